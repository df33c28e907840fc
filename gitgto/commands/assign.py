"""git gto assign NAME [REF] --stage STAGE (alias: promote)."""

from .. import cli

EXAMPLES = """\
examples:
  git gto assign churn --version v3.1.0 --stage prod    a registered version
  git gto assign churn HEAD --stage dev                 registers HEAD first if needed
  git gto assign churn HEAD --version v3.2.0 --stage dev
  git gto assign churn --version v3.0.0 --stage prod --simple true   (tag churn#prod)
  git gto assign churn --version v3.1.0 --stage prod --meta approved-by=ada   (a fact, see git-gto-register(1))

`git gto promote` is the same command.

A stage tag names only a commit: with two versions on one commit (a release candidate and
its release), an assignment belongs to the greatest version active there when it is made,
so `--version` of any other version on that commit is refused.
"""


def build_parser():
    p = cli.new_parser("assign", "Assign a stage to a specific artifact version.", EXAMPLES)
    p.add_argument("artifact", metavar="NAME", help="artifact name")
    p.add_argument("ref", nargs="?", metavar="REF",
                   help="Git reference of the version (default: HEAD, unless --version names a registered version)")
    p.add_argument("--stage", required=True, metavar="STAGE", help="stage to assign")
    p.add_argument("--version", metavar="VERSION",
                   help="the registered version to assign; with REF, the name to register REF as")
    p.add_argument("--sr", "--skip-registration", dest="skip_registration", action="store_true",
                   help="don't register a version at the commit")
    cli.write_options(p)
    return p


def run(args):
    from .. import api

    # REF --version X registers REF as X (gto's name_version); --version alone names a registered version
    api.assign(args.repo, args.artifact, args.stage, version=args.version if args.ref is None else None,
               ref=args.ref, name_version=args.version if args.ref is not None else None, message=args.message,
               simple=args.simple, force=args.force, push=args.push, skip_registration=args.skip_registration,
               stdout=True, dry_run=args.dry_run, remote=args.remote, sign=args.sign, key=args.local_user,
               policy_ref=args.policy_ref, meta=args.meta, description=args.description)
    return 0
