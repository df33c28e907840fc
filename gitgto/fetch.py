"""Write an artifact's files as git stores them (`git gto get`): split the
output of one `git cat-file --batch` into its blobs as it arrives, and write
each one under the destination, never outside it.

Safety: every path from a tree is checked (no '..', '.', empty or `.git`
component); no directory on the way is a symbolic link (an existing one is
refused, never followed); symbolic links in the tree are written as links
(their targets are not read or followed); every file is written to a
temporary file beside it and renamed, so a failed get leaves no half file.
Nothing here runs git: git.py does, and hands its output to BatchSplitter."""

import os
import stat
import sys

from .errors import GTOError
from .tags import shown

BLOB_MODES = {"100644": 0o666, "100755": 0o777}  # before the umask, as git checks files out
SYMLINK_MODE = "120000"
GITLINK_MODE = "160000"
MAX_LINK = 4096


def check_relpath(path):
    """The components of a path from a tree; a path that could leave the
    destination (or write a `.git` directory) is an error."""
    parts = path.split("/")
    if any(p in ("", ".", "..") or p.lower() == ".git" or "\0" in p for p in parts):
        raise GTOError(f"Refusing to write '{shown(path)}': the path would leave the destination "
                       f"(or write a .git directory)")
    return parts


class BatchSplitter:
    """A file-like object for git.Repo.stream_blobs: the i-th blob of the
    `git cat-file --batch` output goes to open_sink(i) (an object with
    write() and close()), chunk by chunk."""

    def __init__(self, count, open_sink):
        self.count = count
        self.open_sink = open_sink
        self.index = 0
        self.header = b""
        self.remaining = None  # bytes left of the current blob; None: reading a header
        self.sink = None

    def write(self, chunk):
        pos, size = 0, len(chunk)
        while pos < size:
            if self.remaining is None:
                end = chunk.find(b"\n", pos)
                if end < 0:
                    self.header += chunk[pos:]
                    if len(self.header) > 1024:
                        raise GTOError("Unexpected output from git cat-file")
                    return
                line, self.header = self.header + chunk[pos:end], b""
                pos = end + 1
                parts = line.split()
                if len(parts) != 3 or parts[1] != b"blob":
                    raise GTOError(f"Cannot read the object {line.decode('utf-8', 'replace')!r} as a file")
                self.remaining = int(parts[2])
                self.sink = self.open_sink(self.index)
            take = min(self.remaining, size - pos)
            if take:
                self.sink.write(chunk[pos : pos + take])
                pos += take
                self.remaining -= take
            if self.remaining == 0 and pos < size:  # the newline after the blob
                pos += 1
                self.sink.close()
                self.sink, self.remaining = None, None
                self.index += 1

    def flush(self):
        pass

    def finish(self):
        if self.remaining == 0:  # (the last newline was in no chunk of its own)
            self.sink.close()
            self.sink, self.remaining = None, None
            self.index += 1
        if self.index != self.count or self.remaining is not None:
            raise GTOError("git cat-file ended before every file was read")


class _FileSink:
    """One file: a temporary file beside `path`, renamed onto it on close."""

    def __init__(self, path, mode, written):
        import tempfile

        self.path, self.mode, self.written = path, mode, written
        fd, self.temp = tempfile.mkstemp(prefix=".git-gto-get-", dir=os.path.dirname(path) or ".")
        written.temps.add(self.temp)
        self.file = os.fdopen(fd, "wb")

    def write(self, data):
        self.file.write(data)

    def close(self):
        self.file.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.temp, self.mode & ~umask)
        os.replace(self.temp, self.path)  # replaces a link at `path` itself, never its target
        self.written.temps.discard(self.temp)
        self.written.files.append(self.path)


class _LinkSink:
    """A symbolic link: its blob is the target, written as a link."""

    def __init__(self, path, written):
        self.path, self.written, self.data = path, written, b""

    def write(self, data):
        self.data += data
        if len(self.data) > MAX_LINK:
            raise GTOError(f"The symbolic link '{shown(self.path)}' has a target longer than {MAX_LINK} bytes")

    def close(self):
        temp = os.path.join(os.path.dirname(self.path), ".git-gto-get-link-" + os.path.basename(self.path))
        if os.path.lexists(temp):
            os.unlink(temp)
        os.symlink(os.fsdecode(self.data), temp)
        self.written.temps.add(temp)
        os.replace(temp, self.path)
        self.written.temps.discard(temp)
        self.written.files.append(self.path)


class _Stdout:
    def __init__(self, written):
        self.out, self.written = sys.stdout.buffer, written

    def write(self, data):
        self.out.write(data)

    def close(self):
        self.out.flush()
        self.written.files.append("-")


class Written:
    """What a get wrote (files) and what to clean up if it fails (temps)."""

    def __init__(self):
        self.files = []
        self.temps = set()
        self.skipped = []  # submodules: a commit of another repository, not a file

    def clean(self):
        for temp in self.temps:
            try:
                os.unlink(temp)
            except OSError:
                pass


def file_target(out, artifact_path, force):
    """Where a single file goes: `out`, or inside it when it is a directory
    (not a link to one); an existing file needs `force`."""
    if os.path.isdir(out) and not os.path.islink(out):
        out = os.path.join(out, os.path.basename(artifact_path))
    if os.path.lexists(out):
        if os.path.isdir(out) and not os.path.islink(out):
            raise GTOError(f"'{shown(out)}' is a directory")
        if not force:
            raise GTOError(f"'{shown(out)}' exists: use --force to overwrite it")
    return out


def plan_file(out, entry, written):
    """[(blob id, sink factory)] for a single-file artifact."""
    mode, _, oid = entry
    if out == "-":
        if mode == SYMLINK_MODE:
            raise GTOError("The artifact is a symbolic link: -o - writes a file's contents only")
        return [(oid, lambda: _Stdout(written))]
    if mode == SYMLINK_MODE:
        return [(oid, lambda: _LinkSink(out, written))]
    return [(oid, lambda: _FileSink(out, BLOB_MODES.get(mode, 0o666), written))]


def plan_tree(out, entries, force, written):
    """[(blob id, sink factory)] for a directory artifact written under `out`
    (made here; an existing directory needs `force`, and is written into).
    Parent directories are made as the plan is built."""
    if os.path.islink(out):
        raise GTOError(f"'{shown(out)}' is a symbolic link: refusing to write through it")
    if os.path.lexists(out):
        if not os.path.isdir(out):
            raise GTOError(f"'{shown(out)}' exists and is not a directory")
        if not force:
            raise GTOError(f"'{shown(out)}' exists: use --force to write into it")
    checked = [(mode, kind, oid, check_relpath(path)) for mode, kind, oid, path in entries]
    for mode, kind, oid, parts in checked:  # every target is checked before anything is written
        target = os.path.join(out, *parts)
        if os.path.lexists(target) and not force:
            raise GTOError(f"'{shown(target)}' exists: use --force to overwrite it")
    os.makedirs(out, exist_ok=True)
    plan = []
    for mode, kind, oid, parts in checked:
        if mode == GITLINK_MODE or kind != "blob":
            written.skipped.append("/".join(parts))
            continue
        parent = _make_parents(out, parts[:-1])
        target = os.path.join(parent, parts[-1])
        if os.path.isdir(target) and not os.path.islink(target):
            raise GTOError(f"'{shown(target)}' is a directory")
        if mode == SYMLINK_MODE:
            plan.append((oid, lambda t=target: _LinkSink(t, written)))
        else:
            plan.append((oid, lambda t=target, m=mode: _FileSink(t, BLOB_MODES.get(m, 0o666), written)))
    return plan


def _make_parents(root, parts):
    """root/parts..., made as needed; a component that is a link or a file is an error."""
    path = root
    for part in parts:
        path = os.path.join(path, part)
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            os.mkdir(path)
            continue
        if stat.S_ISLNK(info.st_mode):
            raise GTOError(f"'{shown(path)}' is a symbolic link: refusing to write through it")
        if not stat.S_ISDIR(info.st_mode):
            raise GTOError(f"'{shown(path)}' exists and is not a directory")
    return path
