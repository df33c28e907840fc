"""Facts on a version: `KEY: value` git trailers at the end of a tag message.
Pure: validate what the user types, format the trailer block, read it back.

A tag message with facts is GTO's message, a blank line, then one trailer a
line, as `git interpret-trailers` writes them:

    Registering artifact churn version v1.0.0

    Accuracy: 0.93
    Dataset: s3://bucket/train-2024
    Description: the model trained on the 2024 data

gto 1.x reads the message as text, so such a tag stays a plain GTO tag; git
reads the facts with `%(trailers:key=Accuracy)`.

Grammar (kept narrower than git's, so a message written for people is never
read as facts by accident):
* a key is an ASCII letter, then letters, digits and '-' (not last), at most
  64 characters; keys are case-insensitive and reported in lower case;
  `description` is the key of --description;
* a value is one line of printable text, at most 1000 characters, without
  surrounding blanks, never empty;
* the facts are the message's last paragraph, only when it is not the first
  (the subject) and every line of it is `Key: value` in this grammar.
"""

import re

from .errors import GTOError

KEY_RE = re.compile(r"^[A-Za-z](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?\Z", re.ASCII)
TRAILER_RE = re.compile(r"^([A-Za-z](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?): (.*)\Z", re.ASCII | re.DOTALL)
DESCRIPTION = "description"
MAX_VALUE = 1000

KEY_RULE = ("a key is a letter, then letters, digits and '-' (not last), "
            "at most 64 characters")


class FactError(GTOError):
    """A --meta, --description or --where value outside the grammar."""


def check_key(key, what="--meta"):
    if not KEY_RE.match(key):
        raise FactError(f"Invalid {what} key '{_shown(key)}': {KEY_RULE}")
    return key.lower()


def check_value(value, what):
    if value != value.strip():
        raise FactError(f"Invalid {what} value '{_shown(value)}': no blanks at either end")
    if not value:
        raise FactError(f"Invalid {what} value: it is empty")
    if len(value) > MAX_VALUE:
        raise FactError(f"Invalid {what} value: longer than {MAX_VALUE} characters")
    if not value.isprintable():
        raise FactError(f"Invalid {what} value '{_shown(value)}': one line of printable text only")
    return value


def parse_meta_arg(text):
    """`--meta KEY=VALUE` -> (key in lower case, value)."""
    key, sep, value = text.partition("=")
    if not sep:
        raise FactError(f"Invalid --meta '{_shown(text)}': expected KEY=VALUE")
    key = check_key(key)
    if key == DESCRIPTION:
        raise FactError("Use --description TEXT for the description, not --meta description=...")
    return key, check_value(value, f"--meta {key}")


def collect(meta_args, description=None):
    """The facts of a write: [(key, value)] in the order given; a key given
    twice is an error (one tag, one value a key). meta_args: `KEY=VALUE`
    texts, (key, value) pairs (what --meta parsed) or, from the Python API,
    a {key: value} dict; each is checked here, whoever wrote it."""
    if isinstance(meta_args, dict):
        meta_args = list(meta_args.items())
    facts, seen = [], set()
    for item in meta_args or ():
        key, value = parse_meta_arg(item) if isinstance(item, str) else parse_meta_arg(f"{item[0]}={item[1]}")
        if key in seen:
            raise FactError(f"--meta {key} is given twice")
        seen.add(key)
        facts.append((key, value))
    if description is not None:
        facts.append((DESCRIPTION, check_value(description, "--description")))
    return facts


def with_trailers(message, facts):
    """`message` with the facts appended as a trailer block (a blank line
    first). Keys are written capitalized, as git's own trailers are."""
    if not facts:
        return message
    block = "\n".join(f"{_written(key)}: {value}" for key, value in facts)
    return message.rstrip("\n") + "\n\n" + block + "\n"


def _written(key):
    return "-".join(part[:1].upper() + part[1:] for part in key.split("-"))


def parse(message):
    """(meta {key: value}, description or None) of a tag message. The last
    trailer of a key wins."""
    if not message or ": " not in message:
        return {}, None
    paragraphs = message.strip("\n").split("\n\n")
    if len(paragraphs) < 2:
        return {}, None
    meta = {}
    for line in paragraphs[-1].split("\n"):
        m = TRAILER_RE.match(line)
        if m is None or not m.group(2) or not m.group(2).isprintable():
            return {}, None
        meta[m.group(1).lower()] = m.group(2).strip()
    description = meta.pop(DESCRIPTION, None)
    return meta, description


def of_version(version):
    """A version's facts: those of its tags (registrations, deregistrations,
    stage events; never commit messages), oldest first, a later value of a
    key replacing an earlier one."""
    meta, description = {}, None
    events = version.registrations + version.deregistrations + version.stage_events
    for event in sorted(events, key=lambda e: e.key):
        more, text = parse(event.message)
        meta.update(more)
        if text is not None:
            description = text
    return meta, description


def _shown(value):
    from .tags import shown

    return shown(value)
