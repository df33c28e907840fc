"""Version names: `v` + SemVer 2.0.0, ordered by SemVer precedence. Pure.

Ordering is computed here from the name (SemVer 2.0.0 §11): importing
semantic-version costs more than a whole `show ART` (it reads its own version
through importlib.metadata), and every listing sorts versions. semantic-version
is the parser for `bump` (imported then, on first use) and the oracle the
ordering is tested against."""

from functools import lru_cache

from .errors import InvalidVersion
from .tags import VERSION_RE

FIRST_VERSION = "v0.0.1"
BUMPS = ("major", "minor", "patch")


def is_version(name):
    """True for a valid version name (`v1.2.3`, `v1.0.0-rc.1+b.7`; not `V1.0.0`, `v1`)."""
    return isinstance(name, str) and VERSION_RE.match(name) is not None


def suggestion(name):
    """The valid version a typo most likely meant (`1.2.0`, `V1.2.0` -> `v1.2.0`), or None."""
    if not isinstance(name, str):
        return None
    for guess in ("v" + name, "v" + name[1:], name.strip()):
        if guess != name and is_version(guess):
            return guess
    return None


def did_you_mean(name):
    """"; did you mean 'v1.2.0'?" for a version that is one typo away, else ""."""
    guess = suggestion(name)
    return f"; did you mean '{guess}'?" if guess else ""


def check_version(name):
    if not is_version(name):
        raise InvalidVersion(f"Version '{name}' is not valid. Example of valid version: 'v1.0.0'{did_you_mean(name)}")
    return name


@lru_cache(maxsize=None)
def _parse(name):
    import semantic_version

    return semantic_version.Version(name[1:])


@lru_cache(maxsize=None)
def precedence(name):
    """A sort key: SemVer precedence of a valid version name (build metadata
    ignored). A release ranks above its pre-releases; pre-release identifiers
    compare numerically when numeric, below every alphanumeric one, and a
    longer list wins when the shorter is its prefix."""
    core, _, pre = name[1:].partition("+")[0].partition("-")
    major, minor, patch = (int(n) for n in core.split("."))
    if not pre:
        return (major, minor, patch, (1,))
    return (major, minor, patch, (0, tuple((0, int(i), "") if i.isdigit() else (1, 0, i) for i in pre.split("."))))


def sort_key(name):
    """Key for "SemVer order": valid versions by precedence above every other
    name (commit hexshas of unnamed versions), which sort lexically."""
    if is_version(name):
        return (1, precedence(name), "")
    return (0, (), name)


def bump(name, part):
    """Bump `part` of version `name` the way GTO does (python-semver rules):
    pre-release and build parts are dropped, lower parts reset."""
    v = _parse(name)
    if part == "major":
        return f"v{v.major + 1}.0.0"
    if part == "minor":
        return f"v{v.major}.{v.minor + 1}.0"
    return f"v{v.major}.{v.minor}.{v.patch + 1}"
