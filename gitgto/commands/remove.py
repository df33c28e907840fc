"""git gto remove NAME: delete an artifact's entry from artifacts.yaml."""

from .. import cli


def build_parser():
    p = cli.new_parser("remove", "Remove an artifact's annotation from the work-tree artifacts.yaml "
                                 "(commit it yourself).", "example:\n  git gto remove churn\n")
    p.add_argument("artifact", metavar="NAME", help="artifact name")
    p.add_argument("--dry-run", action="store_true", help="say what would be removed, change nothing")
    return p


def run(args):
    from .. import api

    api.remove(args.repo, args.artifact, dry_run=args.dry_run, stdout=True)
    return 0
