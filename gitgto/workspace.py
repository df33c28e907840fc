"""Open a repository for a command and read what it needs: configuration,
tags (one for-each-ref, per-artifact patterns when possible), annotations and
commit metadata. The glue between git.py and the pure modules."""

import os
import re

from . import config as config_mod
from . import output, registry as reg, tags
from .errors import GTOError, NoRepo, RefNotFound
from .git import Repo


class CommitInfo:
    __slots__ = ("sha", "timestamp", "tz", "author", "author_email", "message", "is_head")

    def __init__(self, sha, timestamp, tz, author, author_email, message, is_head=False):
        self.sha = sha
        self.timestamp = timestamp
        self.tz = tz
        self.author = author
        self.author_email = author_email
        self.message = message
        self.is_head = is_head


def parse_commit(sha, data):
    """Raw commit object -> CommitInfo (committer date, author)."""
    from .records import parse_raw_date

    text = data.decode("utf-8", "replace")
    head, _, message = text.partition("\n\n")
    author, email, ts, tz = "", "", 0, "+0000"
    for line in head.split("\n"):
        if line.startswith("author "):
            ident = line[7:]
            author = ident.split(" <")[0]
            email = ident[ident.find("<") + 1 : ident.find(">")] if "<" in ident else ""
        elif line.startswith("committer "):
            ts, tz = parse_raw_date(line[line.rfind(">") + 1 :])
    return CommitInfo(sha, ts, tz, author, email, message)


def lightweight_advice(name, remote="origin"):
    """What to do about a GTO-looking lightweight tag (check-ref, doctor and
    the reads it shadows say the same)."""
    from shlex import quote

    return (f"'{name}' is a lightweight tag here, so it carries no GTO event (CI checkouts often "
            f"rewrite the annotated tag). Re-fetch it: git fetch --force {quote(remote)} "
            f"'refs/tags/{name}:refs/tags/{name}', "
            f"or run check-ref with --fetch")


def is_url(value):
    """`-r` names a remote when it is not an existing path and looks like a
    URL (`scheme://…`) or an scp-like address (`host:path`)."""
    if os.path.exists(value):
        return False
    return "://" in value or re.match(r"^[\w.@-]+:", value) is not None


class Workspace:
    def __init__(self, repo_arg="."):
        if repo_arg.startswith("-"):
            raise GTOError(f"Invalid repository '{repo_arg}': a path or URL must not start with '-'")
        self.remote_url = None  # set when -r names a remote URL: writes push there
        if is_url(repo_arg):
            self.remote_url = repo_arg
            self.repo = self._fetch(repo_arg)
            self.config = config_mod.load(None, text=self._committed(config_mod.CONFIG_FILE))
        else:
            if repo_arg != "." and not os.path.isdir(repo_arg):
                raise NoRepo(f"No such repository: '{repo_arg}' is neither a directory nor a URL")
            self.repo = Repo(repo_arg)
            if self.repo.bare:  # no work tree: the configuration committed at HEAD
                self.config = config_mod.load(None, text=self._committed(config_mod.CONFIG_FILE))
            else:
                self.config = config_mod.load(self.repo.root)
        output.settings["emojis"] = self.config.emojis
        for warning in self.config.warnings:
            output.warn(warning)
        self.records = None
        self._warned = False
        self.annotation_problems = []  # broken annotation files a registry read went on without
        self.warn_broken_annotations = True  # doctor reports them itself
        self._memo = False  # not made yet
        self._blobs = None
        self._parsed = {}  # dvc paths -> (annotations at HEAD, problems): read once a command

    @staticmethod
    def _fetch(url):
        import atexit
        import shutil
        import tempfile

        from .git import fetch_registry

        directory = tempfile.mkdtemp(prefix="git-gto-remote-")
        atexit.register(shutil.rmtree, directory, True)
        return fetch_registry(url, directory)

    def _committed(self, path):
        """A file at HEAD as text, or None."""
        found = self.repo.cat_objects(["HEAD:" + path])
        if not found or found[0] is None or found[0][0] != "blob":
            return None
        return found[0][1].decode("utf-8", "replace")

    def read_tags(self, artifact=None, fields="full", subset=None):
        """Every tag, or those of one artifact, or of the artifacts in `subset`."""
        names = [artifact] if artifact is not None else subset
        patterns = [p for name in names for p in tags.ref_patterns(name)] if names is not None else None
        self.records = self.repo.read_tags(patterns, fields, parse=reg.parse_record) if patterns != [] else []
        return self.records

    @property
    def annotation_memo(self):
        """Parsed annotation files by blob id (the registry cache's), or None
        where the cache is bypassed."""
        if self._memo is False:
            from . import cache

            self._memo = None if cache.disabled() or self.remote_url else cache.AnnotationMemo(self.repo)
        return self._memo

    def annotation_blobs(self, known=None):
        """[(path, blob id)] of artifacts.yaml and every dvc.yaml at HEAD (one
        ls-tree), or `known`: what an earlier run found at the same HEAD."""
        if self._blobs is None and known is not None:
            self._blobs = known
        if self._blobs is None:
            from . import annotations as ann

            found = self.repo.list_blobs("HEAD", (ann.INDEX_FILE, ann.DVC_FILE))
            self._blobs = [[p, oid] for p, oid in found
                           if p == ann.INDEX_FILE or p.rpartition("/")[2] == ann.DVC_FILE]
        return self._blobs

    def _dvc_paths(self):
        from . import annotations as ann

        return [p for p, _ in self.annotation_blobs() if p.rpartition("/")[2] == ann.DVC_FILE]

    def head_annotations(self, dvc=None, problems=None, objects=None):
        """{name: annotation} of artifacts.yaml and the `dvc` files (default:
        every dvc.yaml) at HEAD. A broken file raises GTOError, or is noted
        in `problems` when that list is given. objects: the files, when the
        caller has read them (cat_objects of ann.specs("HEAD", dvc))."""
        from . import annotations as ann

        dvc = self._dvc_paths() if dvc is None else dvc
        if tuple(dvc) not in self._parsed:
            found, broken = ann.remembered("HEAD", dvc, self._blobs, self.annotation_memo), []
            if found is None:  # (the usual case needs no cat-file: the blob ids say the memo has them)
                if objects is None:
                    objects = self.repo.cat_objects(ann.specs("HEAD", dvc))
                found = ann.parse_objects("HEAD", dvc, objects, broken, self.annotation_memo)
            self._parsed[tuple(dvc)] = found, broken
        found, broken = self._parsed[tuple(dvc)]
        if broken and problems is None:
            raise GTOError(broken[0])
        if problems is not None:
            problems.extend(p for p in broken if p not in problems)
        return found

    def warn_if_annotations_broken(self, artifact=None):
        """Reads that need no annotations (history, check-ref) still say when
        an annotation file of theirs is broken, as show does (DECISIONS §7).
        A file that parsed before is known by its blob id (the annotation
        memo): the usual cost is one cat-file, and no YAML."""
        from . import annotations as ann

        self.head_annotations([ann.dvc_path_of(artifact)] if artifact is not None else None,
                              self.annotation_problems)
        self._warn_annotation_problems()

    def _warn_annotation_problems(self):
        for problem in self.annotation_problems if self.warn_broken_annotations else ():
            output.warn(f"{problem}; annotations from it are not shown")  # the tags answer

    def registry(self, artifact=None, fields="full", annotations=None, commits=None, subset=None):
        """The registry from tags (of one artifact, or of the artifacts in
        `subset`, if given).

        annotations: also read artifacts.yaml/dvc.yaml at HEAD (`*name` rows):
        "head", "all-branches" (plus every local branch head) or "all-commits"
        (plus every commit of every local branch).
        commits: "all" = give every version its commit event; "deprecated" =
        only the versions of deprecated artifacts (which a later commit revives).

        HEAD, the annotation files and the commits are read in one
        cat-file --batch (a second one only for commits found in annotations)."""
        records = self.read_tags(artifact, fields, subset)
        if subset is None:  # (the registry cache warns for the reads it completes)
            self.warn_if_incomplete(whole=artifact is None)
        registry = reg.build(records, artifact)
        registry.hint = self.artifact_hint
        if not annotations and not commits:
            return registry
        from . import annotations as ann

        def wanted():
            return [a for a in registry.artifacts.values()
                    if commits == "all" or (commits == "deprecated" and a.deprecations)]

        dvc = []
        if annotations:
            dvc = [ann.dvc_path_of(artifact)] if artifact else self._dvc_paths()
        parsed = annotations and tuple(dvc) in self._parsed  # (a cache miss read them first)
        files = ann.specs("HEAD", dvc) if annotations and not parsed else []
        known = sorted({v.commit for a in wanted() for v in a.versions})
        if parsed and not known and self.repo.head is not None:
            head, infos = self.repo.head, {}  # nothing left to read
        else:
            objects = self.repo.cat_objects(["HEAD"] + files + known)
            head = objects[0][2] if objects[0] is not None and objects[0][0] == "commit" else None
            infos = self._commit_infos(objects[:1] + objects[1 + len(files):], head)
        if annotations and head is not None:
            read = None if parsed else objects[1 : 1 + len(files)]
            found = {head: self.head_annotations(dvc, self.annotation_problems, read)}
            self._warn_annotation_problems()
            if annotations != "head":
                found.update(ann.read_many(self.repo, self.repo.branch_commits(annotations == "all-commits")))
            only = {artifact} if artifact is not None else set(subset) if subset is not None else None
            for commit, entries in found.items():
                if only is not None:
                    entries = {k: v for k, v in entries.items() if k in only}
                reg.add_annotations(registry, entries, commit, at_head=commit == head)
        if commits:
            missing = sorted({v.commit for a in wanted() for v in a.versions} - set(infos))
            infos.update(self._commit_infos(self.repo.cat_objects(missing), head))
            reg.add_commit_events(registry, infos, {a.name for a in wanted()})
        return registry

    @staticmethod
    def _commit_infos(objects, head):
        infos = {}
        for obj in objects:
            if obj is not None and obj[0] == "commit":
                infos[obj[2]] = parse_commit(obj[2], obj[1])
                infos[obj[2]].is_head = obj[2] == head
        return infos

    def resolve(self, ref):
        """The commit `ref` names, or a clear error."""
        commit = self.repo.resolve_commit(ref)
        if commit is None:
            if ref == "HEAD" or self.repo.resolve_commit("HEAD") is None:  # (the second call: error path only)
                raise RefNotFound(f"Ref '{ref}' was not found: the repository has no commits yet "
                               f"(commit something first)")
            raise RefNotFound(f"Ref '{ref}' was not found in the repository history (or is not a commit)")
        return commit

    def head(self):
        return self.repo.resolve_commit("HEAD")

    def tagged_artifacts(self):
        """Every artifact name the tags know (one refs listing; no tag object opened)."""
        from .tagstream import listed_tags

        found = (tags.parse_tag(name) for _, name in listed_tags(self.repo.ref_listing()))
        return {t.artifact for t in found if t is not None}

    def artifact_hint(self, name):
        """"; did you mean 'churn'?" for an unknown artifact name (`chrun`),
        from the tags and HEAD's annotations; else "". The error path only."""
        known = self.tagged_artifacts()
        try:
            known.update(self.head_annotations(problems=[]))
        except GTOError:
            pass
        close = config_mod._close_match(name, sorted(known - {name}))
        return f"; did you mean '{close}'?" if close else ""

    def warn_if_near_miss(self, name):
        """A write to a new artifact one typo away from an existing one says so:
        `register chrun` beside `churn` starts a second registry line."""
        near = sorted(n for n in self.tagged_artifacts() if config_mod.one_edit_apart(n, name))
        if near:
            output.warn(f"'{name}' is a new artifact, one letter away from '{near[0]}': is it a typo?")

    def warn_if_shadowed(self, registry=None, names=None):
        """A GTO-looking lightweight tag of the artifacts read (a CI checkout
        rewrites the triggering annotated tag so) hides its event: the answer
        may be the previous version's, so say it once, with the fetch command.
        names: those tags, when the registry cache answered."""
        names = registry.ignored_lightweight if names is None else names
        if not names:
            return
        more = len(names) - 1
        also = f" ({more} more such tag{'s' if more > 1 else ''}: git fetch --force --tags origin)" if more else ""
        output.warn(f"the answer may be out of date: {lightweight_advice(names[0])}{also}")

    def warn_if_incomplete(self, whole=True, has_gto=None):
        """CI checkouts are often shallow or without tags: say once that the
        registry may be incomplete, and how to fetch it. has_gto: whether
        any tag parses as a GTO tag (default: any of the records read)."""
        if self._warned or self.remote_url:
            return
        self._warned = True
        if has_gto is None:
            has_gto = any(tags.parse_tag(r.name) for r in self.records)
        if self.repo.shallow:
            output.warn("this is a shallow clone: the registry may be incomplete. Fetch all tags and "
                        "history: git fetch --tags --unshallow (GitHub Actions: fetch-depth: 0)")
        elif whole and not has_gto:
            # Only where tags are known to be left out: a new, empty registry
            # with an `origin` is normal and must not warn on every read.
            skipped = self.repo.remotes_without_tags()
            if skipped:
                output.warn(f"no GTO tags here, and remote '{skipped[0]}' is set never to fetch tags "
                            f"(a clone made with --no-tags): the registry is incomplete. "
                            f"Fetch them: git fetch --tags {skipped[0]} (GitHub Actions: fetch-depth: 0)")
