"""Artifact annotations: `artifacts.yaml` at the repository root (GTO 0.2.x)
and the `artifacts:` sections of `dvc.yaml` files (DVC, GTO 1.x).

An annotation is a dict with GTO's keys: type, path, virtual, labels,
description, custom. Reading from commits goes through one
`git cat-file --batch`; writing the work-tree file is atomic."""

import os

from . import tags
from .config import load_yaml
from .errors import GTOError

INDEX_FILE = "artifacts.yaml"
DVC_FILE = "dvc.yaml"
FIELDS = ("type", "path", "virtual", "labels", "description", "custom")
DEFAULTS = {"type": None, "path": None, "virtual": True, "labels": [], "description": "", "custom": None}
BROKEN = "artifacts.yaml file doesn't conform to GTO format"
MAX_BYTES = 16 * 1024 * 1024  # refuse to parse anything larger


def _yaml_load(text, what):
    if len(text) > MAX_BYTES:
        raise GTOError(f"{what}: file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    return load_yaml(text, what)


def parse_index(text, where=INDEX_FILE):
    """artifacts.yaml text -> {name: annotation}. Broken files raise GTOError."""
    try:
        data = _yaml_load(text, BROKEN)
    except GTOError as exc:
        raise GTOError(f"{exc} ({where})")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise GTOError(f"{BROKEN} ({where}: not a mapping of artifact names)")
    result = {}
    for name, entry in data.items():
        problem = _problem(name, entry)
        if problem:
            raise GTOError(f"{BROKEN} ({where}: '{name}': {problem})")
        result[name] = normalize(entry or {})
    return result


def _problem(name, entry):
    if not isinstance(name, str) or not tags.FULLNAME_RE.match(name):
        return "not a valid artifact name"
    if entry is None:
        return None
    if not isinstance(entry, dict):
        return "expected a mapping"
    if not all(isinstance(key, str) for key in entry):
        return "keys must be strings"
    for key in ("type", "path", "description"):
        if entry.get(key) is not None and not isinstance(entry[key], str):
            return f"'{key}' must be a string"
    if "virtual" in entry and not isinstance(entry["virtual"], bool):
        return "'virtual' must be true or false"
    labels = entry.get("labels", [])
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        return "'labels' must be a list of strings"
    return None


def normalize(entry):
    """GTO's fields with their defaults, plus any other key the file has
    (kept as it is, so rewriting the file never loses it)."""
    out = {key: entry.get(key, DEFAULTS[key]) for key in FIELDS}
    out.update((key, value) for key, value in entry.items() if key not in DEFAULTS)
    out["labels"] = list(out["labels"] or [])
    if out["description"] is None:
        out["description"] = ""
    return out


def parse_dvc(text, directory, where=DVC_FILE):
    """The `artifacts:` section of a dvc.yaml in `directory` ("" = root):
    names become `directory:name`; desc/meta map to description/custom."""
    data = _yaml_load(text, f"Cannot read {where}")
    section = data.get("artifacts") if isinstance(data, dict) else None
    if not section:
        return {}
    if not isinstance(section, dict):
        raise GTOError(f"Cannot read {where}: 'artifacts' must be a mapping")
    result = {}
    for name, entry in section.items():
        full = f"{directory}:{name}" if directory else str(name)
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) \
                or not tags.FULLNAME_RE.match(full):
            raise GTOError(f"Cannot read {where}: artifact '{name}' is not valid")
        result[full] = normalize({"type": entry.get("type"), "path": entry["path"],
                                  "labels": entry.get("labels") or [],
                                  "description": entry.get("desc") or "", "custom": entry.get("meta")})
    return result


def read_at(repo, rev, memo=None):
    """Annotations committed at `rev` (artifacts.yaml, then every dvc.yaml),
    read with one ls-tree and one cat-file --batch. {} when there are none."""
    paths = repo.list_files(rev, DVC_FILE)
    return parse_objects(rev, paths, repo.cat_objects(specs(rev, paths)), memo=memo)


def dvc_path_of(artifact):
    """The one dvc.yaml that can declare `artifact` (`dir:name` -> dir/dvc.yaml)."""
    directory, _, _ = artifact.rpartition(":")
    return f"{directory}/{DVC_FILE}" if directory else DVC_FILE


def specs(rev, dvc_paths):
    """cat-file specs of the annotation files at `rev`."""
    return [f"{rev}:{INDEX_FILE}"] + [f"{rev}:{p}" for p in dvc_paths]


def parse_objects(rev, dvc_paths, objects, problems=None, memo=None):
    """The objects read for specs(rev, dvc_paths) -> {name: annotation}.
    A broken file raises GTOError, or, when a `problems` list is given, is
    skipped and its error message appended (a registry read goes on
    without it: annotations are optional metadata).
    memo (cache.AnnotationMemo): parsed files by blob id, so that an
    unchanged file is never parsed twice."""
    result = {}
    files = [(INDEX_FILE, objects[0] if objects else None)] + list(zip(dvc_paths, objects[1:]))
    for path, obj in files:
        if obj is None or obj[0] != "blob":
            continue
        where = _where(path, rev)
        if path == INDEX_FILE:
            parse = lambda: parse_index(_text(obj[1], where), where)  # noqa: E731
        else:
            parse = lambda: parse_dvc(_text(obj[1], where), os.path.dirname(path), where)  # noqa: E731
        try:
            found = _memoized(memo, where, obj, parse)
        except GTOError as exc:
            if problems is None:
                raise
            problems.append(str(exc))
            continue
        for name, annotation in found.items():
            result.setdefault(name, annotation)
    return result


def remembered(rev, dvc_paths, blobs, memo):
    """What parse_objects would return, from the memo alone: when the blob
    ids of the files at `rev` are known (`blobs`: [(path, blob id)], as
    Workspace.annotation_blobs) and every one of them was parsed before.
    Else None (read and parse them)."""
    if memo is None or blobs is None:
        return None
    ids = dict(blobs)
    result = {}
    for path in [INDEX_FILE] + list(dvc_paths):
        if path not in ids:  # no such file at rev
            continue
        found = memo.get(_memo_key(_where(path, rev), ids[path]))
        if found is None:
            return None
        for name, annotation in found.items():
            result.setdefault(name, annotation)
    return result


def _where(path, rev):
    return f"{path} at {rev}"


def _memo_key(where, blob):
    return f"{where}\0{blob}"


def _memoized(memo, where, obj, parse):
    """parse(), or what it returned for the same blob before. The blob id
    names the content; `where` is in the key because it is in the errors
    and decides the `dir:` of dvc.yaml names. Errors are never memoized."""
    if memo is None:
        return parse()
    key = _memo_key(where, obj[2])
    found = memo.get(key)
    if found is None:
        found = parse()
        memo.put(key, found)
    return found


def read_many(repo, commits):
    """{commit: annotations} from the artifacts.yaml of many commits, in one
    cat-file --batch; a broken file in an old commit is skipped (as GTO does)."""
    result, parsed = {}, {}
    for commit, obj in zip(commits, repo.cat_objects([f"{c}:{INDEX_FILE}" for c in commits])):
        if obj is None or obj[0] != "blob":
            continue
        if obj[1] not in parsed:
            try:
                where = f"{INDEX_FILE} at {commit}"
                parsed[obj[1]] = parse_index(_text(obj[1], where), where)
            except GTOError:
                parsed[obj[1]] = {}
        result[commit] = parsed[obj[1]]
    return result


def _text(data, where=INDEX_FILE):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise GTOError(f"{BROKEN} ({where}: not UTF-8)")


def visible(annotation):
    """The annotation without default-valued fields, in GTO's key order."""
    return {k: annotation[k] for k in FIELDS if annotation.get(k) != DEFAULTS[k]}


def extra(annotation):
    """Keys GTO does not know, preserved when the file is rewritten."""
    return {k: v for k, v in annotation.items() if k not in DEFAULTS}


# -- the work-tree file --------------------------------------------------------


def index_path(root):
    if root is None:
        raise GTOError("annotations need a work tree; this repository is bare")
    return os.path.join(root, INDEX_FILE)


def load_worktree(root, memo=None):
    path = index_path(root)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise GTOError(f"Cannot read {path}: {exc.strerror}")
    return _memoized(memo, path, ("blob", data, blob_id(data)), lambda: parse_index(_text(data, path), path))


def blob_id(data):
    """The id git gives a blob with this content (git hash-object)."""
    import hashlib

    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def dump(index):
    """GTO's file layout: block style, keys sorted, defaults left out."""
    import yaml

    data = {name: dict(sorted({**extra(a), **visible(a)}.items())) for name, a in sorted(index.items())}
    return yaml.safe_dump(data, default_flow_style=False, sort_keys=True, allow_unicode=True)


class LockedIndex:
    """Read-modify-write of the work-tree artifacts.yaml under git's lockfile
    discipline: `artifacts.yaml.lock` is created exclusively, the new content
    is written into it and renamed over the file, so concurrent writers wait
    for each other and no update is lost. Usage:

        with LockedIndex(root) as index:   # index: {name: annotation}
            index[name] = ...              # saved on a clean exit
    """

    WAIT_SECONDS = 10

    def __init__(self, root):
        self.path = index_path(root)
        self.lock = self.path + ".lock"
        self.fd = None

    def __enter__(self):
        import random
        import time

        deadline = time.monotonic() + self.WAIT_SECONDS
        while True:
            try:
                self.fd = os.open(self.lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                break
            except FileExistsError:
                if time.monotonic() > deadline:
                    raise GTOError(f"Unable to create '{self.lock}': another git gto is updating "
                                   f"{INDEX_FILE}. If none is running, remove the lock file.")
                time.sleep(random.uniform(0.005, 0.03))
        try:
            self.index = load_worktree(os.path.dirname(self.path))
        except BaseException:
            self._release()
            raise
        return self.index

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self._release()
            return False
        try:
            os.write(self.fd, dump(self.index).encode("utf-8"))
            os.fsync(self.fd)
            os.close(self.fd)
            self.fd = None
            os.replace(self.lock, self.path)  # the lock is gone with the rename
        except BaseException:
            self._release()
            raise
        return False

    def _release(self):
        """Give up the lock we hold (never one another writer took since)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
            os.unlink(self.lock)
