"""The only door to git. Every call goes through `sh` with an argument list
(never a shell), `_tty_out=False` (no pager, no colour) and `--end-of-options`
or `--` before anything a user typed."""

import os

from .errors import GitError, GTOError, NotARepository
from .records import MESSAGE_FIELD, STATE_FIELDS, TAG_FIELDS, RecordStream, lines_under, parse_raw_date

PATTERNS_PER_CALL = 300  # for-each-ref patterns on one command line (read_tags)
# sh hands output over line by line unless told otherwise: take big chunks.
_BUFSIZES = {"_out_bufsize": 1 << 16, "_err_bufsize": 1 << 16}
# sh writes a bytes stdin 1 KiB at a time, each write a turn of its thread:
# big inputs (a million object ids) go in as a generator of big chunks.
_CHUNK = 1 << 16


def _chunks(data):
    for start in range(0, len(data), _CHUNK):
        yield data[start : start + _CHUNK]


# sh 2 returns a command's text unless asked for the command itself, and
# warns about a failing background command unless told not to; sh 1 (the
# version setup.cfg asks for: the README's Install section says why) does neither.
_SH2_KWARGS = {"_return_cmd": True, "_bg_exc": False}


def git_reason(stderr, fallback):
    """git's own reason for a failure, from its stderr (bytes or text): the
    first `fatal:`/`error:` line (the ones after it are consequences, and the
    last line is often the tail of advice such as "and the repository
    exists."), else the first line that is not a hint; `fallback` when git
    said nothing."""
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        for prefix in ("fatal:", "error:"):
            if line.startswith(prefix):
                return line[len(prefix):].strip()
    return next((line for line in lines if not line.startswith("hint:")), fallback)




class _Collect:
    """A file-like sink for a big output: a bytearray."""

    def __init__(self):
        self.data = bytearray()

    def write(self, chunk):
        self.data += chunk

    def flush(self):
        pass


# -r URL: only these transports, never `ext::` or other helpers, and never a prompt.
ALLOWED_PROTOCOLS = "file:git:ssh:http:https"


def git_env(env=None):
    """The environment of every git call: `env` (default: ours) with replace
    objects off. A pushed `refs/replace/*` could otherwise make the policy,
    the signers file or a tag object read as something else."""
    return dict(os.environ if env is None else env, GIT_NO_REPLACE_OBJECTS="1")


def remote_env():
    return dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_ALLOW_PROTOCOL=ALLOWED_PROTOCOLS,
                GIT_SSH_COMMAND=os.environ.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes"))


def fetch_registry(url, directory):
    """A bare repository in `directory` with the tags of `url`, the commits
    they point at (depth 1) and the remote's HEAD commit (for .gto and the
    annotations). Returns the Repo."""
    import sh

    try:
        sh.Command("git")("init", "--quiet", "--bare", directory, _tty_out=False, _env=git_env())
    except sh.ErrorReturnCode as exc:
        raise GitError(git_reason(exc.stderr, "git init failed"))
    repo = Repo(directory)
    fetch = ("fetch", "--quiet", "--depth=1", "--no-tags", "--end-of-options", url, "+refs/tags/*:refs/tags/*")
    res = repo._run(*fetch, "+HEAD:refs/heads/remote-head", ok=range(256), env=remote_env())
    if res.exit_code != 0:  # an empty remote has no HEAD: tags alone, then
        res = repo._run(*fetch, ok=range(256), env=remote_env())
    if res.exit_code != 0 and not res.stderr.strip():
        # `fetch --depth` fails silently when there is nothing at all to fetch
        empty = repo._run("ls-remote", "--end-of-options", url, ok=range(256), env=remote_env())
        if empty.exit_code == 0 and not empty.stdout.strip():
            res = empty
    if res.exit_code != 0:
        raise GitError(f"Cannot read the remote repository '{url}': {git_reason(res.stderr, 'git fetch failed')}")
    repo._run("symbolic-ref", "HEAD", "refs/heads/remote-head")
    repo.shallow = False  # shallow on purpose: every tag is here
    return repo


class Repo:
    """A repository, addressed like `git -C PATH`; git's environment
    (GIT_DIR, GIT_WORK_TREE, ...) is honoured as git honours it."""

    def __init__(self, path="."):
        self.path = path
        self.calls = []  # git subcommands run, in order (tests count them)
        self._listing = None  # ref_listing's, until a whole read of the tags takes it
        from .policy import POLICY_FILE

        # HEAD and the policy file last: an unborn HEAD or a missing file
        # fails (128) after the answers before it are printed. (Every write
        # reads the policy at HEAD, and most repositories have none.)
        info = self._run("rev-parse", "--is-bare-repository", "--is-shallow-repository",
                         "--absolute-git-dir", "--git-common-dir", "--show-cdup", "HEAD", "HEAD:" + POLICY_FILE,
                         ok=(0, 128))
        lines = info.stdout.decode("utf-8", "surrogateescape").split("\n")
        if len(lines) < 5 or lines[0] not in ("true", "false"):
            where = os.path.abspath(path)
            reason = git_reason(info.stderr, "")
            if reason and "not a git repository" not in reason:  # e.g. dubious ownership
                raise NotARepository(f"Cannot open the repository '{where}': {reason}")
            raise NotARepository(f"Not a git repository: '{where}' (or any of its parent directories)")
        # (a bare repository prints no --show-cdup line; no answer above is an object id)
        oids = [line for line in lines[4:] if len(line) in (40, 64) and all(c in "0123456789abcdef" for c in line)]
        self.head = oids[0] if oids else None
        # the policy file's object at HEAD; None when HEAD has none (or there is no HEAD)
        self.head_policy = oids[1] if len(oids) > 1 else None
        self.bare = lines[0] == "true"
        self.shallow = lines[1] == "true"
        self.git_dir = lines[2]
        # shared by linked worktrees; git prints it relative to the directory it ran in
        self.common_dir = os.path.normpath(os.path.join(os.path.abspath(path), lines[3]))
        self.root = None if self.bare else os.path.normpath(os.path.join(os.path.abspath(path), lines[4]))

    # -- running git ---------------------------------------------------------

    def _run(self, *args, stdin=None, ok=(0,), env=None, out=None, background=False):
        """Run git; `out`: a file-like object that gets stdout chunk by chunk
        while git is still writing; `background`: return at once (call
        `.wait()` on the result)."""
        import sh

        self.calls.append(args[2] if args[0] == "-c" else args[0])
        kwargs = {"_cwd": self.path, "_tty_out": False, "_ok_code": list(ok), **_BUFSIZES}
        if not sh.__version__.startswith("1."):
            kwargs.update(_SH2_KWARGS)
        if stdin is not None:
            kwargs["_in"] = _chunks(stdin) if len(stdin) > _CHUNK else stdin
        if out is not None:
            kwargs["_out"] = out
        kwargs["_env"] = git_env(env)
        if background:
            kwargs["_bg"] = True
        try:
            return sh.Command("git")(*args, **kwargs)
        except sh.ErrorReturnCode as exc:
            reason = git_reason(exc.stderr, f"exit code {exc.exit_code}")
            raise GitError(f"git {args[0]} failed: {reason}")
        except sh.CommandNotFound:
            raise GTOError("git is not installed (no 'git' on PATH)")

    # -- reading -------------------------------------------------------------

    def read_tags(self, patterns=None, fields="full", parse=None):
        """Every tag under refs/tags (a refs listing and one cat-file), or
        those matching `patterns` (one for-each-ref). fields: "state" (enough
        for the registry) or "full" (also tagger and message). parse(record),
        if given, runs on each record as soon as it arrives; its result is
        record.parsed."""
        if patterns is None:
            records = self._stream_all_tags(fields, parse)
            if records is not None:
                return records
        chosen = STATE_FIELDS if fields == "state" else TAG_FIELDS + (MESSAGE_FIELD,)
        args = ["for-each-ref", "--format=" + "%00".join(chosen) + "%00", "--"]
        patterns = list(patterns) if patterns else ["refs/tags"]
        stream = RecordStream(fields, parse)
        # git 2.39's for-each-ref takes patterns on its command line only
        # (--stdin came in 2.42): a few hundred per call, so that a push of
        # thousands of artifacts never meets "Argument list too long".
        for start in range(0, len(patterns), PATTERNS_PER_CALL):
            self._run(*args, *patterns[start : start + PATTERNS_PER_CALL], out=stream)
            stream.finish()
        if len(patterns) <= PATTERNS_PER_CALL:
            return stream.records
        unique = {r.name: r for r in stream.records}  # a tag two patterns match, in two calls
        return [unique[name] for name in sorted(unique)]

    def _stream_all_tags(self, fields, parse):
        """Every tag from the refs listing (the one ref_listing took, if it
        did) and one cat-file of their objects, parsed side by side with git
        (tagstream.py says why); None when that output is not the usual
        (a missing object, a malformed tag): for-each-ref reads them then."""
        from .tagstream import TagObjectStream, Unexpected, listed_tags

        listing, self._listing = self._listing, None  # a second read lists again
        tags = listed_tags(self.ref_listing() if listing is None else listing)
        if not tags:
            return []
        stream = TagObjectStream(tags, fields, parse)
        res = self._run("cat-file", "--batch", "--buffer", stdin="".join(oid + "\n" for oid, _ in tags).encode(),
                        out=stream, ok=range(256))
        try:
            return stream.finish() if res.exit_code == 0 else None
        except Unexpected:
            return None

    def ref_listing(self):
        """`objectname refname` of every tag and replace ref, as git prints
        them: what the registry cache is keyed by (no tag object is opened).
        show-ref streams the refs (for-each-ref sorts them all in memory
        first: 3x the memory on a million tags); it lists every ref, and only
        the replace and tag lines are kept."""
        collected = _Collect()  # one growing buffer: sh's own capture would hold it twice
        res = self._run("show-ref", out=collected, ok=(0, 1, 128))
        if res.exit_code == 128:  # a ref to a missing object: let for-each-ref list them anyway
            collected = _Collect()
            self._run("for-each-ref", "--format=%(objectname) %(refname)", "--", "refs/replace", "refs/tags",
                      out=collected)
            self._listing = collected.data
        else:
            replace, tags = (lines_under(collected.data, prefix) for prefix in (b"refs/replace/", b"refs/tags/"))
            self._listing = tags if not replace else bytes(replace) + bytes(tags)
        return self._listing

    def loose_tag_refs(self, limit):
        """How many tags are loose ref files (not in packed-refs), counted up
        to `limit`: every ref listing opens each of them (reftable has none)."""
        count = 0
        for _, _, files in os.walk(os.path.join(self.common_dir, "refs", "tags")):
            count += len(files)
            if count >= limit:
                break
        return count

    def resolve_commit(self, ref):
        """The commit `ref` names, or None."""
        if ref == "HEAD" and self.head is not None:  # read with the repository's first rev-parse
            return self.head
        res = self._run("rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}", ok=(0, 1, 128))
        if res.exit_code != 0:
            return None
        return res.stdout.decode().strip() or None

    def tag_exists(self, name):
        res = self._run("rev-parse", "--verify", "--quiet", "--end-of-options", "refs/tags/" + name, ok=(0, 1, 128))
        return res.exit_code == 0

    def cat_objects(self, specs):
        """Read many objects in one `git cat-file --batch`: a list of
        (type, bytes, object id) or None (missing) in the order of `specs`."""
        if not specs:
            return []
        for spec in specs:
            if "\n" in spec:
                raise GTOError(f"Invalid object name {spec!r}")
        data = self._run("cat-file", "--batch", stdin="".join(s + "\n" for s in specs).encode()).stdout
        result, pos = [], 0
        for _ in specs:
            end = data.index(b"\n", pos)
            header = data[pos:end].split()
            pos = end + 1
            if len(header) < 3 or header[1] == b"missing" or header[-1] == b"missing":
                result.append(None)
                continue
            size = int(header[2])
            result.append((header[1].decode(), data[pos : pos + size], header[0].decode()))
            pos += size + 1
        return result

    def config_value(self, key, as_bool=False):
        """`git config --get KEY` (as a bool when asked), or None when unset."""
        args = ["config", "--get"] + (["--type=bool"] if as_bool else []) + [key]
        res = self._run(*args, ok=(0, 1))
        if res.exit_code != 0:
            return None
        value = res.stdout.decode("utf-8", "surrogateescape").strip()
        return value == "true" if as_bool else value

    def verify_tags(self, objects, signers_file=None):
        """Check the signatures of many tag objects (object ids): one
        `git verify-tag --raw` per tag, whose exit status is the verdict (a
        batch has one status for all, and its per-tag text can be steered by
        the signature blobs and messages it echoes). At most one process per
        CPU at a time, started with subprocess (sh costs ~10 ms a process;
        ssh-keygen, which git runs twice per signature, is the rest).
        With `signers_file`, SSH signers come from that allowed-signers file
        instead of git's gpg.ssh.allowedSignersFile. -> [signatures.Verdict]."""
        from .signatures import verdict_of

        for oid in objects:
            if len(oid) not in (40, 64) or not all(c in "0123456789abcdef" for c in oid):
                raise GTOError(f"Invalid object id {oid!r}")
        if not objects:
            return []
        overrides = ["-c", "gpg.ssh.allowedSignersFile=" + signers_file] if signers_file else []
        self.calls.append("verify-tag")
        env = git_env()
        results = [None] * len(objects)
        import subprocess

        def one(i):
            try:
                proc = subprocess.run(["git", *overrides, "verify-tag", "--raw", "--end-of-options", objects[i]],
                                      cwd=self.path, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE)
            except OSError as exc:
                raise GTOError(f"Cannot run git verify-tag: {exc}")
            results[i] = verdict_of(proc.returncode, proc.stderr.decode("utf-8", "replace"))

        workers = min(os.cpu_count() or 1, len(objects))
        if workers == 1:
            for i in range(len(objects)):
                one(i)
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(workers) as pool:
                for _ in pool.map(one, range(len(objects))):
                    pass
        return results

    def verify_commit(self, commit, signers_file):
        """(exit status, stderr) of `git verify-commit --raw` of one commit,
        its SSH signers from `signers_file`: the exit status is the verdict."""
        res = self._run("-c", "gpg.ssh.allowedSignersFile=" + signers_file, "verify-commit", "--raw",
                        "--end-of-options", commit, ok=range(256))
        return res.exit_code, res.stderr.decode("utf-8", "replace")

    def commits_between(self, old, new):
        """[(commit, [parents])] of the commits reachable from `new` but not
        from `old` (None: every commit of `new`), merges included."""
        args = ["rev-list", "--parents", "--end-of-options", new] + (["^" + old] if old else [])
        lines = self._run(*args).stdout.decode().split("\n")
        return [(words[0], words[1:]) for words in (line.split() for line in lines) if words]

    def first_parents(self, ref, count):
        """The latest `count` commits of `ref` along first parents, newest first."""
        res = self._run("rev-list", "--first-parent", f"--max-count={count}", "--end-of-options", ref, ok=range(256))
        return res.stdout.decode().split() if res.exit_code == 0 else []

    def is_ancestor(self, old, new):
        """Whether `old` is an ancestor of `new` (a fast-forward)."""
        return self._run("merge-base", "--is-ancestor", "--end-of-options", old, new, ok=range(256)).exit_code == 0

    def head_branch(self):
        """The branch HEAD names (`refs/heads/main`), born or not; None when detached."""
        res = self._run("symbolic-ref", "--quiet", "HEAD", ok=range(256))
        return res.stdout.decode("utf-8", "surrogateescape").strip() or None if res.exit_code == 0 else None

    def branch_commits(self, all_commits=False):
        """The heads of all local branches, or every commit reachable from them."""
        args = ("rev-list", "--branches") if all_commits else ("rev-parse", "--branches")
        return self._run(*args).stdout.decode().split()

    def list_files(self, rev, name):
        """Paths of the files called `name` anywhere in the tree of `rev`."""
        return [path for path, _ in self.list_blobs(rev, (name,))]

    def list_blobs(self, rev, names):
        """[(path, blob id)] of the files whose base name is in `names`,
        anywhere in the tree of `rev` (one ls-tree)."""
        res = self._run("ls-tree", "-r", "-z", "--full-tree", "--end-of-options", rev, ok=(0, 128))
        if res.exit_code != 0:
            return []
        found = []
        for entry in res.stdout.decode("utf-8", "surrogateescape").split("\0"):
            meta, _, path = entry.partition("\t")
            if path.rpartition("/")[2] in names:
                kind_oid = meta.split()
                if len(kind_oid) == 3 and kind_oid[1] == "blob":
                    found.append((path, kind_oid[2]))
        return found

    def tree_entry(self, commit, path):
        """(mode, type, object id) of `path` (no trailing '/') in the tree of
        `commit`, or None when it has no such entry. Paths are literal."""
        res = self._run("ls-tree", "-z", "--full-tree", "--end-of-options", commit, "--", path, ok=(0, 128))
        for entry in res.stdout.decode("utf-8", "surrogateescape").split("\0"):
            meta, _, found = entry.partition("\t")
            parts = meta.split()
            if found == path and len(parts) == 3:
                return parts[0], parts[1], parts[2]
        return None

    def list_tree(self, tree):
        """[(mode, type, object id, path)] of every entry under the tree
        `tree` (an object id), recursively, paths relative to it."""
        out = self._run("ls-tree", "-r", "-z", "--end-of-options", tree).stdout
        entries = []
        for entry in out.decode("utf-8", "surrogateescape").split("\0"):
            meta, _, path = entry.partition("\t")
            parts = meta.split()
            if len(parts) == 3 and path:
                entries.append((parts[0], parts[1], parts[2], path))
        return entries

    def stream_blobs(self, oids, out):
        """Every blob of `oids` through one `git cat-file --batch`, its output
        handed to `out.write` chunk by chunk as git writes it (a blob of any
        size never sits in memory whole)."""
        for oid in oids:
            if not oid or any(c not in "0123456789abcdef" for c in oid):
                raise GTOError(f"Invalid object id {oid!r}")
        self._run("cat-file", "--batch", stdin="".join(o + "\n" for o in oids).encode(), out=out)

    def fetch_tag(self, remote, name, patterns=()):
        """Re-fetch one tag as the remote has it (CI checkouts rewrite the
        triggering annotated tag as a lightweight one); then, best effort and
        never overwriting, the tags matching `patterns` (the artifact's other
        tags, which a single-tag checkout lacks)."""
        ref = "refs/tags/" + name
        res = self._run("fetch", "--quiet", "--force", "--no-tags", "--end-of-options", remote, f"{ref}:{ref}",
                        ok=range(256), env=remote_env())
        if res.exit_code != 0:
            raise GitError(f"Cannot fetch '{name}' from '{remote}': {git_reason(res.stderr, 'git fetch failed')}")
        if patterns:
            self._run("fetch", "--quiet", "--no-tags", "--end-of-options", remote,
                      *(f"{p}:{p}" for p in patterns), ok=range(256), env=remote_env())

    # -- writing -------------------------------------------------------------

    def committer_time(self):
        """(unix time, "+hhmm") git would date a tag with now: GIT_COMMITTER_DATE
        in any format git reads, else the clock and the local offset."""
        if "GIT_COMMITTER_DATE" not in os.environ:
            import time

            now = time.time()
            offset = time.localtime(now).tm_gmtoff // 60
            sign = "-" if offset < 0 else "+"
            return int(now), f"{sign}{abs(offset) // 60:02d}{abs(offset) % 60:02d}"
        ident = self._run("var", "GIT_COMMITTER_IDENT").stdout.decode("utf-8", "surrogateescape")
        return parse_raw_date(" ".join(ident.split()[-2:]))

    def create_tag(self, name, commit, message, date=None, sign=None, key=None, ident=None):
        """Create annotated tag `name` on `commit`, dated `date` ((unix time,
        "+hhmm"); default: git's clock). Returns False if the tag exists
        already (another writer won the race); never overwrites.
        sign: True (`-s`, or `-u KEY`), False (`--no-sign`), None (git's
        `tag.gpgSign` decides). ident: (name, email) of the tagger (default:
        git's). The message ends with a newline, so that a signature git
        appends starts on a line of its own."""
        if "\0" in message:
            raise GTOError("The message must not contain NUL characters")
        if not message.endswith("\n"):
            message += "\n"
        env = None if date is None else dict(os.environ, GIT_COMMITTER_DATE=f"@{date[0]} {date[1]}")
        if ident is not None:  # (the API's author=/author_email=, as gto's)
            env = dict(env or os.environ, **{k: v for k, v in zip(("GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"),
                                                                   ident) if v})
        signing = ["--no-sign"] if sign is False else ["--local-user=" + key] if key else ["-s"] if sign else []
        res = self._run("tag", "-a", *signing, "--cleanup=verbatim", "-F", "-", "--end-of-options", name, commit,
                        stdin=message.encode("utf-8", "surrogateescape"), ok=(0, 128), env=env)
        lines = res.stderr.decode("utf-8", "replace").strip().splitlines()
        failed = next((x for x in lines if x.startswith(("fatal:", "error:"))), None)
        if res.exit_code == 0 and failed is not None:
            # git 2.39 writes the tag unsigned (exit 0) when the SSH key
            # cannot be read: a tag that was to be signed must not stay.
            self._run("update-ref", "-d", "--end-of-options", "refs/tags/" + name)
            raise GitError(f"{failed} (the tag '{name}' was not created)")
        if res.exit_code == 0:
            return True
        if self.tag_exists(name):
            return False
        raise GitError(f"Cannot create tag '{name}': {git_reason(res.stderr, 'git tag failed')}")

    def delete_tags(self, tags):
        """Delete [(name, oid)] in one transaction, only if each still points
        where we read it."""
        lines = "".join(f"delete refs/tags/{name} {oid}\n" for name, oid in tags)
        self._run("update-ref", "--stdin", stdin=lines.encode())

    def push(self, remote, refspecs):
        """Push refspecs to `remote`; returns (ok, git's reason when not ok).
        A ref the remote refused says why on stdout (`--porcelain`: "!", the
        refspec, "[rejected] (reason)"), which beats stderr's generic
        "failed to push some refs"."""
        res = self._run("push", "--porcelain", "--end-of-options", remote, *refspecs, ok=range(256),
                        env=remote_env())
        if res.exit_code == 0:
            return True, ""
        refused = [line.split("\t")[-1] for line in res.stdout.decode("utf-8", "replace").splitlines()
                   if line.startswith("!\t")]
        if not refused:
            return False, git_reason(res.stderr, "git push failed")
        said = [line[len("remote:"):].strip() for line in res.stderr.decode("utf-8", "replace").splitlines()
                if line.startswith("remote:") and line[len("remote:"):].strip()]
        return False, "; ".join(refused + (["remote: " + " ".join(said)] if said else []))

    def remote_tags(self, remote):
        """{tag name: tag object id} on `remote` (`git ls-remote --tags`)."""
        res = self._run("ls-remote", "--tags", "--end-of-options", remote, ok=range(256), env=remote_env())
        if res.exit_code != 0:
            raise GitError(f"Cannot list the tags of '{remote}': {git_reason(res.stderr, 'git ls-remote failed')}")
        result = {}
        for line in res.stdout.decode("utf-8", "surrogateescape").splitlines():
            oid, _, ref = line.partition("\t")
            if ref.startswith("refs/tags/") and not ref.endswith("^{}"):
                result[ref[len("refs/tags/"):]] = oid
        return result

    def remotes_without_tags(self):
        """Remotes configured never to fetch tags (`git clone --no-tags`
        sets remote.<name>.tagOpt=--no-tags)."""
        res = self._run("config", "--get-regexp", r"^remote\..*\.tagopt$", ok=range(256))
        found = []
        for line in res.stdout.decode("utf-8", "surrogateescape").splitlines():
            key, _, value = line.partition(" ")
            if value.strip() == "--no-tags":
                found.append(key[len("remote."):-len(".tagopt")])
        return found

    def remotes(self):
        """A function that returns the configured remote names: `git remote`
        starts now and runs beside what the caller does next (a write asks
        once it has made a tag, for the push hint)."""
        res = self._run("remote", ok=range(256), background=True)

        def names():
            res.wait()
            return res.stdout.decode("utf-8", "surrogateescape").split() if res.exit_code == 0 else []

        return names
