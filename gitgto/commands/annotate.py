"""git gto annotate NAME: add or update an artifact's entry in artifacts.yaml."""

import posixpath

from .. import cli, output, tags
from ..errors import GTOError

EXAMPLES = """\
examples:
  git gto annotate churn --type model --path s3://models/churn.pkl
  git gto annotate churn --path models/churn.pkl --must-exist --label tabular
"""


def build_parser():
    p = cli.new_parser("annotate", "Update an artifact's annotation in the work-tree artifacts.yaml "
                                   "(commit it yourself).", EXAMPLES)
    p.add_argument("artifact", metavar="NAME", help="artifact name")
    p.add_argument("--type", metavar="TYPE", help="artifact type (checked against `types` in .gto)")
    p.add_argument("--path", metavar="PATH", help="artifact path: a file in the repository or an external URI")
    p.add_argument("-e", "--must-exist", action="store_true",
                   help="the path must be committed in HEAD (the artifact is then not virtual)")
    p.add_argument("--allow-same-path", action="store_true", help="allow several artifacts to use the same path")
    p.add_argument("--label", action="append", default=[], metavar="LABEL", help="label to add (repeatable)")
    p.add_argument("-d", "--description", metavar="TEXT", help="artifact description")
    p.add_argument("-c", "--custom", metavar="TEXT", help="custom metadata (stored as a string)")
    p.add_argument("--dry-run", action="store_true", help="print the new entry, change nothing")
    return p


def updated(old, args):
    """GTO's update rules (reference §7.2)."""
    if old is None:
        return {"type": args.type, "path": args.path, "virtual": not args.must_exist,
                "labels": list(args.label), "description": args.description or "", "custom": args.custom}
    new = dict(old)
    new["type"] = args.type or old["type"]
    new["path"] = args.path or old["path"]
    if args.must_exist:
        new["virtual"] = False
    elif args.path:
        new["virtual"] = True
    new["labels"] = sorted(set(old["labels"]) | set(args.label))
    new["description"] = args.description or old["description"]
    new["custom"] = args.custom or old["custom"]
    return new


def _norm(path):
    return path if "://" in path else posixpath.normpath(path.replace("\\", "/"))


def overlaps(a, b):
    a, b = _norm(a), _norm(b)
    return a == b or a.startswith(b.rstrip("/") + "/") or b.startswith(a.rstrip("/") + "/")


def run(args):
    from .. import annotations as ann
    from ..workspace import Workspace

    tags.check_artifact(args.artifact)
    for label in args.label:
        tags.check_name(label)
    ws = Workspace(args.repo)
    if args.type is not None:
        ws.config.check_type(args.type)
    if args.must_exist:
        if not args.path:
            raise GTOError("`path` is required when `must_exist` is set to True")
        found = ws.repo.cat_objects(["HEAD:" + _norm(args.path)])
        if not found or found[0] is None:
            raise GTOError(f"Nothing found in '{args.path}' for checked out commit")
    if args.dry_run:
        index = ann.load_worktree(ws.repo.root)
        _update(index, args)
        output.echo("Would update `artifacts.yaml` with:")
        output.echo(ann.dump({args.artifact: index[args.artifact]}).rstrip("\n"))
        return 0
    with ann.LockedIndex(ws.repo.root) as index:
        _update(index, args)
    output.echo("Updated `artifacts.yaml`")
    return 0


def _update(index, args):
    if args.path and not args.allow_same_path:
        for name, other in index.items():
            if name != args.artifact and other.get("path") and overlaps(args.path, other["path"]):
                raise GTOError(f"Provided path conflicts with '{other['path']}' ('{other['type']}' '{name}'). "
                               f"Use --allow-same-path to allow it.")
    index[args.artifact] = updated(index.get(args.artifact), args)
