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
    from .. import apply, plan, tags
    from ..workspace import Workspace

    tags.check_artifact(args.artifact)
    version, stage = getattr(args, "version", None), getattr(args, "stage", None)
    ws = Workspace(args.repo)
    if stage is not None:
        ws.config.check_stage(stage)
    ref = getattr(args, "ref", None)
    commit = ws.resolve(ref) if ref is not None else None
    head = ws.head() if version is None and commit is None else None

    def make(registry, records):
        req = plan.Request(registry, records, args.artifact, args.message, args.simple, args.force)
        if stage is not None:
            return plan.plan_unassign(req, version, stage, args.delete)
        if version is not None:
            return plan.plan_deregister(req, version, args.delete)
        return plan.plan_deprecate(req, commit, head, args.delete)

    apply.execute(ws, args.artifact, make, args.dry_run, args.push, args.remote, signing=args)
    return 0
