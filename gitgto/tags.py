"""The GTO tag-name grammar (GTO 1.x, which also covers every 0.2.x tag): parse,
format and validate names. Pure: no git here.

    tag      = artifact ( "@v" SEMVER ["!"] | "#" STAGE ["!"] | "@deprecated" | "@created" ) ["#" N]
    artifact = [ DIRNAME "=" ] NAME         (the user writes DIRNAME ":" NAME)
"""

import re

from .errors import ValidationError

NAME = r"[a-zA-Z0-9](?:[a-zA-Z0-9\-/_]*[a-zA-Z0-9])?"
DIRNAME = r"[a-zA-Z0-9\-_./]+"
SEMVER = (
    r"(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)"
    r"(?:-(?:(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?"
)

NAME_RE = re.compile(rf"^{NAME}\Z", re.ASCII)
FULLNAME_RE = re.compile(rf"^(?:{DIRNAME}:)?{NAME}\Z", re.ASCII)
VERSION_RE = re.compile(rf"^v{SEMVER}\Z", re.ASCII)
TAG_RE = re.compile(
    rf"^(?P<artifact>(?:{DIRNAME}=)?{NAME})"
    rf"(?:(?:#(?P<stage>{NAME})|@(?P<version>v{SEMVER}))(?P<cancel>!?)"
    rf"|@(?P<special>deprecated|created))"
    rf"(?:#(?P<counter>[0-9]+))?\Z",
    re.ASCII,
)
SHORTCUT_RE = re.compile(
    rf"^(?P<artifact>(?:{DIRNAME}:)?{NAME})"
    rf"(?:#(?P<stage>{NAME})|@(?P<version>latest|greatest|v{SEMVER}))\Z",
    re.ASCII,
)

# Event kinds, as GTO names them in history and check-ref.
REGISTRATION = "registration"
DEREGISTRATION = "deregistration"
ASSIGNMENT = "assignment"
UNASSIGNMENT = "unassignment"
DEPRECATION = "deprecation"
CREATION = "creation"  # `NAME@created`: in the grammar, never written, ignored.
COMMIT = "commit"

INVALID_NAME = (
    "Invalid value '{}'. Only letters, numbers, '_', '-', '/' are allowed. "
    "Value must start and end with a letter or a number, and be at most 200 characters long."
)
INVALID_FULLNAME = (
    "Invalid artifact name '{}'. Only letters, numbers, '_', '-', '/' are allowed, "
    "optionally after 'DIR:' (DIR made of letters, numbers, '_', '-', '.', '/'). "
    "The name must start and end with a letter or a number, and be at most 200 characters long."
)


class Tag:
    """A parsed GTO tag name."""

    __slots__ = ("name", "artifact", "kind", "version", "stage", "counter")

    def __init__(self, name, artifact, kind, version=None, stage=None, counter=None):
        self.name = name
        self.artifact = artifact  # the user-facing form, `dir:name`
        self.kind = kind
        self.version = version
        self.stage = stage
        self.counter = counter

    def __repr__(self):
        return f"Tag({self.name!r})"


def parse_tag(name):
    """Return a Tag, or None when `name` is not a GTO tag."""
    m = TAG_RE.match(name)
    if m is None:
        return None
    # One groups() call: this runs once per tag of the repository.
    artifact, stage, version, cancel, special, counter = m.groups()
    if "=" in artifact:
        artifact = artifact.replace("=", ":")
    if counter is not None:
        counter = int(counter)
    if special is not None:
        return Tag(name, artifact, DEPRECATION if special == "deprecated" else CREATION, counter=counter)
    if version is not None:
        return Tag(name, artifact, DEREGISTRATION if cancel else REGISTRATION, version=version, counter=counter)
    return Tag(name, artifact, UNASSIGNMENT if cancel else ASSIGNMENT, stage=stage, counter=counter)


def artifact_in_tag(artifact):
    """`dir:name` is written `dir=name` in tag names."""
    return artifact.replace(":", "=")


def format_tag(artifact, kind, version=None, stage=None, counter=None):
    """The tag name GTO 1.x writes for an event (counter None = simple form)."""
    base = artifact_in_tag(artifact)
    if kind == REGISTRATION:
        name = f"{base}@{version}"
    elif kind == DEREGISTRATION:
        name = f"{base}@{version}!"
    elif kind == ASSIGNMENT:
        name = f"{base}#{stage}"
    elif kind == UNASSIGNMENT:
        name = f"{base}#{stage}!"
    elif kind == DEPRECATION:
        name = f"{base}@deprecated"
    else:
        raise ValueError(kind)
    return name if counter is None else f"{name}#{counter}"


def ref_patterns(artifact):
    """for-each-ref patterns that cover every tag of one artifact (and a few
    look-alikes, which the parser then drops). In these patterns `*` stops at
    '/', so `#*/**` takes the stages that contain one (`m#a/b#1`)."""
    base = "refs/tags/" + artifact_in_tag(artifact)
    return [base + "@*", base + "#*", base + "#*/**"]


def refspec_patterns(artifact):
    """The same tags as refspec globs for `git fetch` (one `*`, which crosses '/')."""
    base = "refs/tags/" + artifact_in_tag(artifact)
    return [base + "@*", base + "#*"]


def _ref_format_ok(name):
    # The parts of `git check-ref-format` the grammar does not already rule out.
    if ".." in name or "//" in name or name.endswith(".") or name.endswith(".lock"):
        return False
    return not any(part.startswith(".") or part.endswith(".lock") for part in name.split("/"))


MAX_LENGTH = 200  # git stores refs as files: keep tag names well under NAME_MAX
MAX_REF_COMPONENT = 250  # NAME_MAX (255) less git's `.lock` suffix


def check_name(value):
    """A stage, type or label (GTO's `name` rule)."""
    if not isinstance(value, str) or len(value) > MAX_LENGTH or not NAME_RE.match(value) \
            or not _ref_format_ok(value):
        raise ValidationError(INVALID_NAME.format(shown(value)))
    return value


def check_artifact(value):
    """An artifact name (`fullname`) whose tags git will accept."""
    if not isinstance(value, str) or len(value) > MAX_LENGTH or not FULLNAME_RE.match(value) \
            or not _ref_format_ok(artifact_in_tag(value)):
        raise ValidationError(INVALID_FULLNAME.format(shown(value)))
    return value


def shown(value):
    """A user value as typed, made safe for a one-line message: cut when
    long; only what cannot be printed (control characters, bytes that were
    not UTF-8) is shown escaped."""
    text = str(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return "".join(c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii")
                   for c in text)


def parse_shortcut(value):
    """Split `NAME@latest|greatest|vX.Y.Z` and `NAME#stage`.

    Returns (artifact, version_selector, stage); the whole value is the artifact
    when it is not a shortcut."""
    m = SHORTCUT_RE.match(value)
    if m is None:
        return value, None, None
    version = m.group("version")
    if version == "greatest":
        version = "latest"
    return m.group("artifact"), version, m.group("stage")
