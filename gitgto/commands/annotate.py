"""git gto annotate NAME: add or update an artifact's entry in artifacts.yaml."""

from .. import cli

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


def run(args):
    from .. import api

    api.annotate(args.repo, args.artifact, type=args.type, path=args.path, must_exist=args.must_exist,
                 allow_same_path=args.allow_same_path, labels=args.label, description=args.description,
                 custom=args.custom, dry_run=args.dry_run, stdout=True)
    return 0
