"""git gto remove NAME: delete an artifact's entry from artifacts.yaml."""

from .. import cli, output, tags
from ..errors import GTOError


def build_parser():
    p = cli.new_parser("remove", "Remove an artifact's annotation from the work-tree artifacts.yaml "
                                 "(commit it yourself).", "example:\n  git gto remove churn\n")
    p.add_argument("artifact", metavar="NAME", help="artifact name")
    p.add_argument("--dry-run", action="store_true", help="say what would be removed, change nothing")
    return p


def run(args):
    from .. import annotations as ann
    from ..workspace import Workspace

    tags.check_artifact(args.artifact)
    ws = Workspace(args.repo)
    if args.dry_run:
        if args.artifact not in ann.load_worktree(ws.repo.root):
            raise GTOError(f"Cannot find artifact '{args.artifact}'")
        output.echo(f"Would remove '{args.artifact}' from `artifacts.yaml`")
        return 0
    with ann.LockedIndex(ws.repo.root) as index:
        if args.artifact not in index:
            raise GTOError(f"Cannot find artifact '{args.artifact}'")
        del index[args.artifact]
    output.echo("Updated `artifacts.yaml`")
    return 0
