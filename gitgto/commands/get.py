"""git gto get NAME[@VERSION|#STAGE|@latest|@greatest]: write an artifact's
files as they are at that version's commit, from git's objects (no checkout,
the work tree is never touched)."""

import os
import posixpath
import shlex

from .. import cli, output, registry as reg, tags
from ..errors import GTOError

EXAMPLES = """\
examples:
  git gto get churn                       the latest version, written as the basename of its path
  git gto get churn#prod -o model.pkl     the version in prod
  git gto get churn@v1.2.0 -o - | sha256sum
  git gto get churn#prod --verify         only when the assignment to prod verifies (.gto-policy)
  git gto get churn --print               where the artifact lives; fetch nothing

The files come from the `path` of the artifact's annotation (artifacts.yaml or
dvc.yaml, as committed at the version's commit, else at HEAD): a file or a
directory of that commit, read from git's objects. A directory keeps its
symbolic links as links (never followed) and its executable bits.

Nothing is overwritten without --force, and nothing is written outside -o.
A virtual artifact (a path outside the repository, such as s3://bucket/model)
cannot be fetched from git: get says where it lives and exits 1 (--print
prints the path and exits 0). A path that DVC tracks (a PATH.dvc file, or an
output of a dvc.yaml stage) prints the `dvc get` command that fetches it.
"""


def build_parser():
    p = cli.new_parser("get", "Write an artifact's files as they are at a version's commit.", EXAMPLES)
    p.add_argument("artifact", metavar="NAME",
                   help="NAME (its latest version), NAME@vX.Y.Z, NAME#STAGE, NAME@latest or NAME@greatest")
    p.add_argument("-o", "--output", dest="out", metavar="PATH",
                   help="where to write: a file or directory path, or '-' for standard output (a single "
                        "file only); default: the basename of the artifact's path, here")
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.add_argument("--print", dest="print_only", action="store_true",
                   help="print where the artifact lives (COMMIT:PATH, its URL, or the dvc get command) "
                        "and fetch nothing")
    p.add_argument("--verify", action="store_true",
                   help="refuse a version whose event (the stage assignment for NAME#STAGE, else the "
                        "registration) does not verify against the signed-tag policy (.gto-policy)")
    cli.policy_ref_option(p, "with --verify, read the policy from REF's committed tree (default: HEAD)")
    return p


def run(args):
    from ..workspace import Workspace

    name, selector, stage = tags.parse_shortcut(args.artifact)
    tags.check_artifact(name)
    if stage is not None:
        tags.check_name(stage)
    ws = Workspace(args.repo)
    registry = ws.registry(name)
    art = registry.get(name)
    version, event = choose(art, selector, stage)
    if args.verify and event is not None:
        from ..api import _verify_event as verify

        verify(ws, registry, event.ref, args.policy_ref)
    path = artifact_path(ws, name, version.commit)
    where = locate(ws, path, version.commit)
    if where is not None:
        return elsewhere(ws, args, version, event, path, where)
    entry = ws.repo.tree_entry(version.commit, path)
    if args.print_only:
        output.echo(f"{version.commit}:{path}")
        return 0
    return write(ws, args, entry, path, f"{name} {version.name}")


def choose(art, selector, stage):
    """(Version, the event that put it there) for a shortcut: a stage's
    holder, a named version, or the latest."""
    if stage is not None:
        holders = reg.stage_holders(art).get(stage)
        if not holders:
            raise GTOError(f"No version of '{art.name}' is in stage '{stage}'")
        version = holders[0]
        return version, version.stages[stage].last_event
    if selector in (None, "latest"):
        version = reg.latest(art)
        if version is None:
            raise GTOError(f"'{art.name}' has no registered version")
    else:
        version = next((v for v in reg.listed_versions(art) if v.name == selector), None)
        if version is None:
            raise GTOError(f"Version '{selector}' of '{art.name}' is not registered (or was deregistered)")
    return version, version.registrations[-1] if version.registrations else None


def artifact_path(ws, name, commit):
    """The annotation's `path` at the version's commit (else at HEAD), as a
    path from the repository root (a dvc.yaml's artifact paths are relative
    to its directory, named in `dir:name`)."""
    from .. import annotations as ann

    annotation = ann.read_at(ws.repo, commit, ws.annotation_memo).get(name)
    if annotation is None or not annotation.get("path"):
        head = ws.head()
        annotation = ann.read_at(ws.repo, head, ws.annotation_memo).get(name) if head else None
    path = annotation.get("path") if annotation else None
    if not path:
        raise GTOError(f"'{name}' has no path in its annotation: git gto annotate {shlex.quote(name)} --path PATH")
    if "://" in path or path.startswith(("/", "~")):
        return path  # virtual: outside the repository
    directory = name.rpartition(":")[0]
    return posixpath.normpath(posixpath.join(directory, path))  # (`./models/` -> `models`)


def locate(ws, path, commit):
    """None when `path` (normalized) is in git at `commit`; else ("virtual",
    path) or ("dvc", how DVC tracks it)."""
    if "://" in path or path.startswith(("/", "~")):
        return "virtual", path
    if path == "." or path.startswith("../") or path == "..":
        return "virtual", path
    if ws.repo.tree_entry(commit, path) is not None:
        return None
    tracked = dvc_tracked(ws, path, commit)
    if tracked is not None:
        return "dvc", tracked
    raise GTOError(f"'{path}' is not in the commit {commit[:7]} (nor tracked by DVC there)")


def dvc_tracked(ws, path, commit):
    """How DVC tracks `path` at `commit` (its .dvc file, or the dvc.yaml
    whose stage outputs it), or None."""
    if ws.repo.tree_entry(commit, path + ".dvc") is not None:
        return path + ".dvc"
    from ..config import load_yaml

    stages_files = ws.repo.list_files(commit, "dvc.yaml")
    objects = ws.repo.cat_objects([f"{commit}:{f}" for f in stages_files])
    for where, obj in zip(stages_files, objects):
        if obj is None or obj[0] != "blob":
            continue
        try:
            data = load_yaml(obj[1].decode("utf-8", "replace"), where)
        except GTOError:
            continue
        directory = posixpath.dirname(where)
        if isinstance(data, dict) and path in _dvc_outputs(data, directory):
            return where
    return None


def _dvc_outputs(data, directory):
    outs = set()
    stages = data.get("stages")
    for stage in (stages.values() if isinstance(stages, dict) else ()):
        for out in (stage.get("outs") or []) if isinstance(stage, dict) else ():
            name = next(iter(out), None) if isinstance(out, dict) else out
            if isinstance(name, str):
                outs.add(posixpath.normpath(posixpath.join(directory, name)))
    artifacts = data.get("artifacts")
    for entry in (artifacts.values() if isinstance(artifacts, dict) else ()):
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):  # declared for DVC: its own
            outs.add(posixpath.normpath(posixpath.join(directory, entry["path"])))
    return outs


def elsewhere(ws, args, version, event, path, where):
    kind, detail = where
    if kind == "virtual":
        if args.print_only:
            output.echo(path)
            return 0
        raise GTOError(f"'{version.artifact.name}' is a virtual artifact: it lives at '{path}', outside the "
                       f"repository (--print prints its path)")
    rev = event.ref if event is not None else version.commit
    source = ws.remote_url or (ws.repo.root or os.path.abspath(args.repo))
    command = ["dvc", "get", source, path, "--rev", rev] + (["-o", args.out] if args.out else [])
    output.echo(" ".join(shlex.quote(c) for c in command))
    if args.print_only:
        return 0
    raise GTOError(f"'{path}' is tracked by DVC ({detail}), not stored in git: fetch it with the "
                   f"dvc get command above")


def write(ws, args, entry, path, what):
    from .. import fetch

    mode, kind, oid = entry
    out = args.out or posixpath.basename(path)
    written = fetch.Written()
    try:
        if kind == "tree":
            if out == "-":
                raise GTOError(f"'{path}' is a directory: -o - writes a single file")
            plan = fetch.plan_tree(out, ws.repo.list_tree(oid), args.force, written)
        elif kind == "blob":
            out = out if out == "-" else fetch.file_target(out, path, args.force)
            plan = fetch.plan_file(out, entry, written)
        else:
            raise GTOError(f"'{path}' is a submodule (a commit of another repository), not files")
        splitter = fetch.BatchSplitter(len(plan), lambda i: plan[i][1]())
        ws.repo.stream_blobs([blob for blob, _ in plan], splitter)
        splitter.finish()
    except OSError as exc:
        raise GTOError(f"Cannot write '{exc.filename or out}': {exc.strerror}")
    finally:
        written.clean()
    for skipped in written.skipped:
        output.warn(f"skipped the submodule '{skipped}' (a commit of another repository, not files)")
    if out != "-":
        count = len(written.files)
        output.echo(f"Wrote '{tags.shown(out)}' ({count} file{'s' if count != 1 else ''}): {path} of {what}")
    return 0
