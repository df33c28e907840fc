"""Signed tags, without git: strip a signature block from a message, read
an allowed-signers file, and turn `git verify-tag --raw` output into one
verdict per tag. Pure: git.py runs git, this module reads what it printed.

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


# -- `git verify-tag --raw` output ---------------------------------------------

SEPARATOR = "gto verify separator {}"  # never a ref: refs have no spaces
_SEPARATOR_RE = re.compile(r"^error: tag 'gto verify separator (\d+)' not found\.$")
_GOOD_SSH_RE = re.compile(r'^Good "git" signature for (\S+) with \S+ key \S+')
_GOOD_ANY_SSH_RE = re.compile(r'^Good "git" signature with \S+ key \S+')
_GPG_VALIDSIG_RE = re.compile(r"^\[GNUPG:\] VALIDSIG ([0-9A-F]+)")


def verify_arguments(objects):
    """The arguments of one `git verify-tag --raw` for many tags: each one
    followed by a name that cannot exist, whose "not found" error marks where
    that tag's output ends."""
    args = []
    for i, obj in enumerate(objects):
        args += [obj, SEPARATOR.format(i)]
    return args


def parse_verify_output(stderr, count):
    """One Verdict per tag from the stderr of `verify_arguments`' call."""
    chunks, current = [], []
    for line in stderr.splitlines():
        m = _SEPARATOR_RE.match(line)
        if m is not None and int(m.group(1)) == len(chunks):
            chunks.append(current)
            current = []
        else:
            current.append(line)
    chunks += [[]] * (count - len(chunks))
    return [_verdict(lines) for lines in chunks[:count]]


def _verdict(lines):
    for line in lines:
        m = _GOOD_SSH_RE.match(line)
        if m:
            return Verdict(GOOD, m.group(1))
    text = " ".join(line.strip() for line in lines if line.strip())
    if any(_GOOD_ANY_SSH_RE.match(line) for line in lines):
        return Verdict(UNKNOWN_KEY, detail="the key is not in the signers file")
    if any(_GPG_VALIDSIG_RE.match(line) for line in lines):
        return Verdict(UNKNOWN_KEY, detail="OpenPGP/X.509 signatures are not mapped to principals")
    if not lines or "no signature found" in text:
        return Verdict(UNSIGNED, detail="no signature")
    return Verdict(BAD, detail=text[:200])
