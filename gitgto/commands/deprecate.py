"""git gto deprecate NAME [VERSION [STAGE]]: deprecate an artifact,
deregister a version, or unassign a stage (or delete their tags)."""

from .. import cli

EXAMPLES = """\
examples:
  git gto deprecate churn v3.0.0 prod      unassign prod from v3.0.0  (tag churn#prod!#N)
  git gto deprecate churn v3.0.0           deregister v3.0.0          (tag churn@v3.0.0!)
  git gto deprecate churn                  deprecate the artifact     (tag churn@deprecated)
  git gto deprecate churn v3.0.0 --delete  delete every tag of v3.0.0 instead
"""


def build_parser(command="deprecate", description=None, positionals=("version?", "stage?")):
    p = cli.new_parser(command, description or
                       "Deprecate an artifact, deregister a version, or unassign a stage.", EXAMPLES)
    p.add_argument("artifact", metavar="NAME", help="artifact name")
    helps = {"version": "artifact version", "stage": "stage to unassign"}
    for spec in positionals:
        name = spec.rstrip("?")
        p.add_argument(name, nargs="?" if spec.endswith("?") else None, metavar=name.upper(), help=helps[name])
    p.add_argument("-d", "--delete", action="store_true",
                   help="delete the git tag(s) instead of creating a new one (history is lost)")
    if command == "deprecate":
        p.add_argument("--ref", metavar="REF",
                       help="Git reference to put the deprecation tag on (artifact form only)")
    cli.write_options(p)
    return p


def run(args):
    from .. import api

    version, stage = getattr(args, "version", None), getattr(args, "stage", None)
    options = dict(message=args.message, stdout=True, simple=args.simple, force=args.force, delete=args.delete,
                   push=args.push, dry_run=args.dry_run, remote=args.remote, sign=args.sign, key=args.local_user,
                   policy_ref=args.policy_ref, meta=args.meta, description=args.description)
    if stage is not None:
        api.unassign(args.repo, args.artifact, version=version, stage=stage, **options)
    elif version is not None:
        api.deregister(args.repo, args.artifact, version=version, **options)
    else:
        api.deprecate(args.repo, args.artifact, ref=getattr(args, "ref", None), **options)
    return 0
