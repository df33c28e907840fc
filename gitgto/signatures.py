"""Signed tags, without git: strip a signature block from a message, read
an allowed-signers file (and rewrite it as of a moment), and turn what one
`git verify-tag --raw` said about one tag into its verdict. Pure: git.py runs
git, this module reads what it printed.

A principal is a name from the allowed-signers file (ssh-keygen's format,
`principals [options] keytype base64-key [comment]`) whose key made a good
signature; the tagger name and email prove nothing."""

import base64
import hashlib
import re

# git's signature blocks (OpenPGP, SSH, X.509/CMS). GTO 1.x writes messages
# without a final newline, so a signature git added may be glued to the last
# line: look for the block anywhere, up to the end of the text.
_SIGNATURE_RE = re.compile(
    r"-----BEGIN (PGP SIGNATURE|SSH SIGNATURE|SIGNED MESSAGE)-----\n"
    r"(?:.*\n)*?-----END (?:PGP SIGNATURE|SSH SIGNATURE|SIGNED MESSAGE)-----\s*\Z")


def strip_signature(contents):
    """A tag's `%(contents)` without its signature block (if any)."""
    if "-----BEGIN " not in contents:
        return contents
    m = _SIGNATURE_RE.search(contents)
    return contents[: m.start()] if m else contents


# -- the allowed-signers file ---------------------------------------------------

GOOD, UNKNOWN_KEY, UNSIGNED, BAD = "good", "unknown key", "unsigned", "bad signature"
CANNOT = "cannot check"  # git could not run the check (no ssh-keygen, too old an OpenSSH)


class Verdict:
    """What git said about one tag's signature. `principal`: set only when
    `status` is GOOD."""

    __slots__ = ("status", "principal", "detail")

    def __init__(self, status, principal=None, detail=""):
        self.status = status
        self.principal = principal
        self.detail = detail

    def __repr__(self):
        return f"Verdict({self.status!r}, {self.principal!r})"


def parse_signers(text):
    """{(keytype, base64 key): [principals]} from an allowed-signers file.
    Lines with options (`namespaces="git" ssh-ed25519 ...`) are understood;
    comments and blank lines are skipped."""
    keys = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        fields = _split_options(line)
        if len(fields) < 3:
            continue
        principals = fields[0].split(",")
        rest = fields[1:]
        if not _is_keytype(rest[0]) and len(rest) >= 3:  # options before the key
            rest = rest[1:]
        if len(rest) >= 2 and _is_keytype(rest[0]):
            keys.setdefault((rest[0], rest[1]), []).extend(principals)
    return keys


def _is_keytype(word):
    return word.startswith(("ssh-", "ecdsa-", "sk-")) or word.startswith("rsa-")


def _split_options(line):
    """Split on blanks outside double quotes (options may quote spaces)."""
    fields, current, quoted = [], "", False
    for c in line:
        if c == '"':
            quoted = not quoted
        if c in " \t" and not quoted:
            if current:
                fields.append(current)
            current = ""
        else:
            current += c
    if current:
        fields.append(current)
    return fields


# -- the signers file as of a moment ---------------------------------------------

_WINDOW_OPTIONS = ("valid-after", "valid-before")


def signers_as_of(text, now):
    """The allowed-signers `text` as it stands at unix time `now`: lines
    whose valid-after/valid-before window excludes `now` are dropped, and the
    window options of the others removed. git verifies an SSH signature at
    the tagger date, which the signer chose: handed this file, git answers
    "was this key allowed now?" instead (the pre-receive hook asks that of
    the tags being pushed, so a backdated tag cannot bring a retired key
    back). A window that cannot be read drops its line (fail closed). Text
    without windows comes back unchanged (same cache key)."""
    out, changed = [], False
    for line in text.splitlines(keepends=True):
        kept = _line_as_of(line, now)
        changed = changed or kept != line
        if kept is not None:
            out.append(kept)
    return "".join(out) if changed else text


def _line_as_of(line, now):
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return line
    fields = _split_options(stripped)
    if len(fields) < 3 or _is_keytype(fields[1]):
        return line  # no options (or not a line ssh-keygen reads): nothing to judge
    options = _split_unquoted(fields[1], ",")
    window = [o for o in options if o.partition("=")[0].lower() in _WINDOW_OPTIONS]
    if not window:
        return line
    for option in window:
        name, _, value = option.partition("=")
        when = parse_signers_time(value)
        if when is None:
            return None
        if (name.lower() == "valid-after" and now < when) or (name.lower() == "valid-before" and now > when):
            return None
    rest = [o for o in options if o not in window]
    return " ".join([fields[0]] + ([",".join(rest)] if rest else []) + fields[2:]) + "\n"


def parse_signers_time(value):
    """Unix time of an allowed-signers time (ssh-keygen(1): YYYYMMDD or
    YYYYMMDDHHMM[SS], optionally quoted; local time unless it ends in Z,
    which means UTC), or None."""
    import calendar
    import time

    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    utc = value[-1:] in ("Z", "z")
    digits = value[:-1] if utc else value
    if len(digits) not in (8, 12, 14) or not digits.isdigit():
        return None
    digits = digits.ljust(14, "0")
    parts = (int(digits[0:4]), int(digits[4:6]), int(digits[6:8]), int(digits[8:10]), int(digits[10:12]),
             int(digits[12:14]))
    if not (1 <= parts[1] <= 12 and 1 <= parts[2] <= 31 and parts[3] < 24 and parts[4] < 60 and parts[5] < 61):
        return None
    fields = parts + (0, 0, -1)
    try:
        return calendar.timegm(fields) if utc else int(time.mktime(fields))
    except (OverflowError, ValueError):
        return None


def _split_unquoted(text, separator):
    """Split on `separator` outside double quotes."""
    parts, current, quoted = [], "", False
    for c in text:
        if c == '"':
            quoted = not quoted
        if c == separator and not quoted:
            parts.append(current)
            current = ""
        else:
            current += c
    parts.append(current)
    return [p for p in parts if p]


def public_key_of(text):
    """(keytype, base64) of an OpenSSH public key line (`ssh-ed25519 AAAA… c`,
    or git's `key::ssh-ed25519 AAAA…`), or None."""
    text = text.strip()
    if text.startswith("key::"):
        text = text[len("key::"):]
    words = text.split()
    if len(words) >= 2 and _is_keytype(words[0]):
        return words[0], words[1]
    return None


def principals_of(signers, public_key):
    """The principals the signers file lists for `public_key` (possibly [])."""
    return list(signers.get(public_key, [])) if public_key else []


def fingerprint(public_key):
    """`SHA256:…`, as ssh-keygen prints it."""
    digest = hashlib.sha256(base64.b64decode(public_key[1])).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


# -- what git said about one tag ------------------------------------------------

# ssh-keygen's line for a good signature by a listed key, which git itself
# parses (gpg-interface.c, parse_ssh_output): the principal ends at the LAST
# " with " (a principal may contain spaces; the key type and fingerprint do not).
_GOOD_SSH_PREFIX = 'Good "git" signature for '
_GOOD_ANY_SSH_PREFIX = 'Good "git" signature with '
_GPG_STATUS_PREFIX = "[GNUPG:] "
# git's errors when it cannot run the check at all (run-command.c, gpg-interface.c)
_CANNOT_PREFIXES = ("error: cannot run ", "fatal: cannot run ",
                    "error: ssh-keygen -Y find-principals/verify is needed",
                    "error: gpg.ssh.allowedSignersFile needs to be configured")


def verdict_of(exit_code, stderr):
    """The Verdict of ONE `git verify-tag --raw TAG` from its exit status and
    stderr. Only git's exit status says "good": git exits 0 only when the
    first line of ssh-keygen's output is its "Good ... for PRINCIPAL" (every
    later line, and any line of a failed check, may echo fields of the
    signature blob, i.e. text an attacker chose). So the principal is read
    from the first line, and only after exit 0; the other verdicts are
    failures either way, their text is only a reason."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    if exit_code == 0:
        if first.startswith(_GOOD_SSH_PREFIX) and " with " in first[len(_GOOD_SSH_PREFIX):]:
            principal = first[len(_GOOD_SSH_PREFIX): first.rindex(" with ")]
            if principal:
                return Verdict(GOOD, principal)
        if first.startswith(_GPG_STATUS_PREFIX):
            return Verdict(UNKNOWN_KEY, detail="OpenPGP/X.509 signatures are not mapped to principals")
        return Verdict(UNKNOWN_KEY, detail="git verified a signature git-gto cannot map to a principal")
    if first.startswith(_CANNOT_PREFIXES):  # (text that is git's own, and never passes either way)
        return Verdict(CANNOT, detail=_printable(first.partition(": ")[2]))
    if first.startswith(_GOOD_ANY_SSH_PREFIX):
        return Verdict(UNKNOWN_KEY, detail="the key is not in the signers file")
    if first == "error: no signature found":
        return Verdict(UNSIGNED, detail="no signature")
    return Verdict(BAD, detail=_printable(" ".join(lines))[:200])


def _printable(text):
    """A reason safe to print on one line (ssh-keygen may echo blob bytes)."""
    return "".join(c if c.isprintable() else "?" for c in text)
