"""The registry cache (DECISIONS §9): whole-registry reads reuse the
per-artifact state computed by an earlier run, keyed by what it was computed
from, so that a warm `show` costs one refs-only listing.

A registry is a pure function of the tag refs and the objects they name
(immutable, so `objectname refname` of every tag and replace ref names them
all), the annotations at HEAD, `.gto`, `GTO_*`, the command's options and the
code computing it. A cache file holds one *view* (a command and its options):
the listing it was computed from and, per artifact, the JSON state the
command computed from its Artifact. Same listing, same inputs: a hit, no tag
object is opened. Otherwise the two listings are diffed and only the
artifacts with a changed ref (or annotation) are read again, with
per-artifact patterns (one full read above FULL_READ_ABOVE).

Best effort: a file that cannot be read, parsed or trusted is a miss; a file
that cannot be written is no error. JSON only, never pickle: nothing in a
cache file is executed. Writes are atomic (a temporary file renamed), so
concurrent writers and linked worktrees (which share the directory under
`git rev-parse --git-common-dir`) never see half a file.
"""

import hashlib
import json
import os
import re
import sys

from . import __version__

FORMAT = 1  # bump when the layout of a cache file changes
DIRECTORY = "gto"  # under the git common dir
FULL_READ_ABOVE = 64  # changed artifacts above which one full read beats per-artifact patterns
ANNOTATION_FILES_KEPT = 32
VIEW_FILES_KEPT = 16  # views: a command and its options
VIEW_SUFFIX = ".registry"
# Environment variables that change what git or git-gto read.
_GIT_ENV = ("GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE")
_OFF = ("", "0", "false", "no", "off")


def disabled(environ=os.environ):
    """GTO_NO_CACHE=1 (or true/yes/on) turns the cache off."""
    return environ.get("GTO_NO_CACHE", "").strip().lower() not in _OFF


def bypassed(ws, annotations=None):
    """Reads that never use the cache: a temporary clone of a URL, a shallow
    clone (its tags come and go with fetches of history), annotations of other
    branches or commits (`-a`/`-A`), and GTO_NO_CACHE."""
    return disabled() or ws.remote_url is not None or ws.repo.shallow or annotations not in (None, "head")


def artifact_states(ws, view, options, state, fields="state", annotations=None, commits=None):
    """{artifact name: state(artifact)} for every artifact of the registry,
    in the registry's order. `state` must return JSON data that depends only
    on the Artifact (and on `options`, which key the view)."""
    read = {"fields": fields, "annotations": annotations, "commits": commits}
    if bypassed(ws, annotations):
        registry = ws.registry(**read)
        return {name: state(art) for name, art in registry.artifacts.items()}
    return _View(ws, view, dict(options, **read), state).states()


# -- keys ----------------------------------------------------------------------


def _digest(data):
    return hashlib.sha256(data).hexdigest()


def _json_digest(value):
    return _digest(json.dumps(value, sort_keys=True, separators=(",", ":")).encode())


def prefix_of(name):
    """The artifact part of a tag name (`dir=name` for `dir:name`): every tag
    of an artifact starts with it and `@` or `#`; a non-GTO tag makes a
    prefix of its own, which holds no artifact."""
    return re.match(r"[^@#]*", name).group(0)


def artifact_of(prefix):
    return prefix.replace("=", ":")


def _code_fingerprint():
    """The package's files (name, size, mtime): a changed git-gto is a miss,
    released or not."""
    top = os.path.dirname(os.path.abspath(__file__))
    found = []
    for directory in (top, os.path.join(top, "commands")):
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    st = entry.stat()
                    found.append((directory == top, entry.name, st.st_size, st.st_mtime_ns))
    return sorted(found)


def _git_fingerprint():
    import shutil

    path = shutil.which("git")
    try:
        st = os.stat(path)
        return [path, st.st_size, st.st_mtime_ns]
    except (OSError, TypeError):
        return None


def inputs_key(ws, view, options, environ=os.environ):
    """Everything but the refs and the annotations that a view depends on."""
    config = ws.config
    return _json_digest({
        "format": FORMAT, "view": view, "options": options,
        "config": [config.types, config.stages, config.emojis, config.log_level, config.source],
        "env": sorted((k, v) for k, v in environ.items()
                      if (k.startswith("GTO_") and k != "GTO_NO_CACHE") or k in _GIT_ENV),
        "versions": [__version__, sys.version, _git_fingerprint(), _code_fingerprint()],
    })


# -- files ---------------------------------------------------------------------


def directory(repo):
    return os.path.join(repo.common_dir, DIRECTORY)


def read_json(path):
    """The JSON data in `path`, or None when missing, unreadable or broken."""
    try:
        with open(path, "rb") as f:
            return json.loads(f.read())
    except (OSError, ValueError, RecursionError):
        return None


def write_json(repo, name, data):
    return write_bytes(repo, name, [json.dumps(data, separators=(",", ":")).encode()])


def write_bytes(repo, name, chunks):
    """Write `chunks` to the cache directory as `name`, atomically; never
    fails. Only into a git directory the user owns: a cache file written
    as another user (e.g. root) would stay in that user's way."""
    import tempfile

    top = directory(repo)
    tmp = None
    try:
        if os.stat(repo.common_dir).st_uid != os.geteuid():
            return False
        os.makedirs(os.path.dirname(os.path.join(top, name)), exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(os.path.join(top, name)))
        with os.fdopen(fd, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
        os.replace(tmp, os.path.join(top, name))
        return True
    except (OSError, ValueError, TypeError, AttributeError):
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return False


class AnnotationMemo:
    """Parsed annotation files by blob id (annotations._memoized): JSON files
    in the cache directory, the newest ANNOTATION_FILES_KEPT kept. A value
    that JSON cannot carry exactly (dates, sets, non-string keys in
    `custom`) is not stored."""

    SUBDIR = "annotations"

    def __init__(self, repo):
        self.repo = repo
        self.seen = {}

    def _name(self, key):
        return os.path.join(self.SUBDIR, _digest(key.encode("utf-8", "surrogateescape"))[:40] + ".json")

    def get(self, key):
        if key in self.seen:
            return self.seen[key]
        data = read_json(os.path.join(directory(self.repo), self._name(key)))
        if isinstance(data, dict) and data.get("format") == FORMAT and data.get("key") == key \
                and isinstance(data.get("value"), dict):
            self.seen[key] = data["value"]
            return data["value"]
        return None

    def put(self, key, value):
        self.seen[key] = value
        try:
            if json.loads(json.dumps(value)) != value:
                return
        except (TypeError, ValueError, RecursionError):
            return
        if write_json(self.repo, self._name(key), {"format": FORMAT, "key": key, "value": value}):
            prune(os.path.join(directory(self.repo), self.SUBDIR), ".json", ANNOTATION_FILES_KEPT)


def prune(folder, suffix, keep):
    """Delete all but the `keep` newest files of `folder` named *suffix: the
    cache must not grow with every option combination or annotation edit."""
    try:
        files = [e for e in os.scandir(folder) if e.name.endswith(suffix) and not e.name.startswith(".")]
        if len(files) > keep:
            files.sort(key=lambda e: e.stat().st_mtime_ns)
            for entry in files[:-keep]:
                os.unlink(entry.path)
    except OSError:
        pass


# -- one view ------------------------------------------------------------------

# A cache file: MAGIC, one line of JSON (the key and the entries), then the
# ref listing the entries were computed from (compared byte for byte: cheaper
# than hashing it, and a miss diffs it with the new one). An entry:
# [prefix, digest of the artifact's annotation inputs ("" when it has none),
#  has a GTO tag, artifact name or None, appearance key, state].
MAGIC = b"git-gto registry cache %d\n" % FORMAT
PREFIX, DIGEST, GTO, NAME, ORDER, STATE = range(6)


class _View:
    def __init__(self, ws, view, options, state):
        self.ws, self.state, self.options = ws, state, options
        self.file = "registry-" + _json_digest([view, options])[:24] + VIEW_SUFFIX
        self.inputs = inputs_key(ws, view, options)

    def states(self):
        ws = self.ws
        listing = ws.repo.ref_listing()
        old, old_listing = self._load()
        blobs = []
        if self.options["annotations"]:  # the same HEAD commit has the same files: no ls-tree
            same_head = old is not None and ws.repo.head is not None and old["head"] == ws.repo.head
            blobs = ws.annotation_blobs(known=old["annotations"][1] if same_head else None)
        head = ws.repo.head if blobs else None  # the HEAD commit matters only to annotated artifacts
        key = {"inputs": self.inputs, "annotations": [head, blobs]}
        if old is not None and all(old[k] == v for k, v in key.items()) and old_listing == listing:
            entries = old["entries"]
        else:
            usable = old is not None and old["inputs"] == self.inputs
            entries = self._update(listing, head, old if usable else None, old_listing)
            if entries is None:  # annotations that cannot be read: the uncached path says why
                return {name: self.state(art) for name, art in ws.registry(**self._read()).artifacts.items()}
            meta = json.dumps(dict(key, head=ws.repo.head, entries=entries), separators=(",", ":"))
            if write_bytes(ws.repo, self.file, [MAGIC, meta.encode(), b"\n", listing]):
                prune(directory(ws.repo), VIEW_SUFFIX, VIEW_FILES_KEPT)
        ws.warn_if_incomplete(has_gto=any(e[GTO] for e in entries))
        return {e[NAME]: e[STATE] for e in entries if e[NAME] is not None}

    def _read(self):
        return {k: self.options[k] for k in ("fields", "annotations", "commits")}

    def _load(self):
        """(key and entries, listing) of the cache file, or (None, None)."""
        try:
            with open(os.path.join(directory(self.ws.repo), self.file), "rb") as f:
                data = f.read()
            if not data.startswith(MAGIC):
                return None, None
            end = data.index(b"\n", len(MAGIC))
            meta = json.loads(data[len(MAGIC):end])
            if not all(isinstance(e, list) and len(e) == 6 and isinstance(e[PREFIX], str)
                       and isinstance(e[DIGEST], str) for e in meta["entries"]):
                return None, None
            if not (isinstance(meta["annotations"], list) and len(meta["annotations"]) == 2):
                return None, None
            meta["inputs"], meta["head"]
            return meta, memoryview(data)[end + 1:]
        except (OSError, ValueError, RecursionError, TypeError, KeyError):
            return None, None

    def _update(self, listing, head, old, old_listing):
        """The entries after re-reading the artifacts whose refs or
        annotation changed (all of them without a usable `old`); None when
        the annotations cannot be read."""
        from . import registry as reg, tags
        from .errors import GTOError

        ws = self.ws
        annotated = {}
        if self.options["annotations"]:
            try:
                annotated = ws.head_annotations()
            except GTOError:
                return None
        # An annotated artifact's inputs: its annotation, and HEAD's commit (its unnamed version there).
        notes = {tags.artifact_in_tag(name): _json_digest([entry, head]) for name, entry in annotated.items()}
        known = {e[PREFIX]: e for e in old["entries"]} if old else {}
        changed = _changed_prefixes(listing, old_listing) if old else None
        if changed is not None:
            changed.update(p for p, d in notes.items() if p not in known or known[p][DIGEST] != d)
            changed.update(p for p, e in known.items() if e[DIGEST] and p not in notes)
        whole = changed is None or len(changed) > FULL_READ_ABOVE
        entries = {} if whole else {p: e for p, e in known.items() if p not in changed}
        if whole or changed:
            registry = ws.registry(subset=None if whole else [artifact_of(p) for p in changed], **self._read())
            gto = {prefix_of(r.name) for r in ws.records if r.parsed and r.parsed[0] is not None}
            for prefix in gto | {tags.artifact_in_tag(name) for name in registry.artifacts}:
                art = registry.artifacts.get(artifact_of(prefix))
                entries[prefix] = [prefix, notes.get(prefix, ""), prefix in gto, art and art.name,
                                   art and reg.appearance_key(art), art and self.state(art)]
        position = {name: i for i, name in enumerate(annotated)}

        def order(e):  # artifacts without events come last, in annotation order
            return _comparable(e[ORDER]) if e[ORDER] is not None else [3, position.get(e[NAME], len(position))]

        named = sorted((e for e in entries.values() if e[NAME] is not None), key=order)
        return named + [e for e in entries.values() if e[NAME] is None]


def _changed_prefixes(listing, old_listing):
    """The tag-name prefixes (artifacts) with a ref added, deleted or moved
    between two listings; None when a replace ref changed (it may change
    any object)."""
    from .tags import parse_tag

    if old_listing is None:
        return None
    changed = set()
    new, old = _differing_lines(memoryview(listing), memoryview(old_listing))
    for line in set(new.split(b"\n")).symmetric_difference(old.split(b"\n")):
        if not line:
            continue
        ref = line[line.find(b" ") + 1:]
        if not ref.startswith(b"refs/tags/"):
            return None
        prefix = prefix_of(ref[10:].decode("utf-8", "surrogateescape"))
        if parse_tag(prefix + "@v0.0.0") is not None:  # else it holds neither an artifact nor a GTO tag
            changed.add(prefix)
    return changed


_BLOCK = 1 << 16


def _differing_lines(a, b):
    """The lines of two listings (memoryviews) between their common first
    lines and their common last lines, as bytes: a new tag changes one line
    of a million, and comparing blocks (memcmp) is far cheaper than taking
    every line apart."""
    shortest = min(len(a), len(b))
    prefix = _common_length(lambda i, j: bytes(a[i:j]) == bytes(b[i:j]), shortest)
    suffix = _common_length(lambda i, j: bytes(a[len(a) - j:len(a) - i]) == bytes(b[len(b) - j:len(b) - i]),
                            shortest - prefix)
    # Whole lines: from the start of the line the prefix ends in...
    low = max(0, prefix - _BLOCK)
    start = low + bytes(a[low:prefix]).rfind(b"\n") + 1
    if start == low and low > 0:  # (no line is that long: compare everything rather than guess)
        start = 0
    # ...to the first line end inside the common suffix (as far from either end).
    newline = bytes(a[len(a) - suffix:len(a) - suffix + _BLOCK]).find(b"\n")
    keep = suffix - newline - 1 if newline >= 0 else 0
    return bytes(a[start:len(a) - keep]), bytes(b[start:len(b) - keep])


def _common_length(same, limit):
    """The largest n <= limit for which same(0, n), where same(i, j) says
    whether the bytes i to j agree: by blocks, then by halves within the
    first block that does not."""
    length = 0
    while length < limit and same(length, min(length + _BLOCK, limit)):
        length = min(length + _BLOCK, limit)
    low, high = length, min(length + _BLOCK, limit)  # they agree up to low, not up to high
    while high - low > 1:
        middle = (low + high) // 2
        if same(length, middle):
            low = middle
        else:
            high = middle
    return low if length < limit else limit


def _comparable(value):
    """Appearance keys as lists (JSON has no tuples), so that stored and
    fresh ones compare."""
    return [_comparable(v) for v in value] if isinstance(value, (list, tuple)) else value


# -- signature verdicts ----------------------------------------------------------


class VerdictMemo:
    """Good signature verdicts (DECISIONS §8): {tag object id: principal},
    one JSON file per key = (the signers file as handed to git, the policy
    blob, git and ssh-keygen). A tag object never changes, so a verdict stays
    true while its key does; only "good" is kept (a failure may be a passing
    problem, and costs an attacker's tag one check per run). A file that
    cannot be read or trusted is empty; GTO_NO_CACHE=1 turns it off."""

    SUBDIR = "verdicts"
    KEPT = 8

    def __init__(self, repo, key):
        self.repo = repo
        self.off = disabled()
        self.key = _json_digest(["verdicts", FORMAT, key, _git_fingerprint(), _tool_fingerprint("ssh-keygen")])
        self.path = os.path.join(directory(repo), self.SUBDIR, self.key[:40] + ".json")
        self.known = None

    def get(self):
        """{object id: principal} known to be good."""
        if self.known is None:
            data = None if self.off else _read_own_json(self.path)
            good = data.get("good") if isinstance(data, dict) and data.get("key") == self.key else None
            self.known = {k: v for k, v in good.items() if isinstance(k, str) and isinstance(v, str) and v} \
                if isinstance(good, dict) else {}
        return self.known

    def put(self, good):
        """Add {object id: principal}; never fails."""
        known = self.get()
        if self.off or not good or all(known.get(k) == v for k, v in good.items()):
            return
        known.update(good)
        name = os.path.join(self.SUBDIR, os.path.basename(self.path))
        if write_json(self.repo, name, {"key": self.key, "good": known}):
            prune(os.path.join(directory(self.repo), self.SUBDIR), ".json", self.KEPT)


def _read_own_json(path):
    """read_json, of a file written by this user only: in a shared
    repository (one git directory, several users pushing to it, each running
    the hook as themselves), another user's file could claim anything."""
    try:
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_uid != os.geteuid():
                return None
            return json.loads(f.read())
    except (OSError, ValueError, RecursionError):
        return None


def _tool_fingerprint(program):
    import shutil

    path = shutil.which(program)
    try:
        st = os.stat(path)
        return [path, st.st_size, st.st_mtime_ns]
    except (OSError, TypeError):
        return None
