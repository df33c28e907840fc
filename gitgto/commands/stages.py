"""git gto stages: the allowed (configured) or used stages."""

from .. import cli, output, registry as reg


def build_parser():
    p = cli.new_parser("stages", "Print the list of stages: the configured ones if .gto sets them, "
                                 "else the stages in use.")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--allowed", action="store_true", help="show the stages allowed by the configuration")
    group.add_argument("--used", action="store_true",
                       help="show the stages currently assigned to an active version of any artifact")
    p.add_argument("--json", action="store_true", help="print output in JSON format")
    return p


def run(args):
    from ..workspace import Workspace

    ws = Workspace(args.repo)
    if args.allowed or (not args.used and ws.config.stages is not None):
        stages = ws.config.stages
    else:
        from .. import cache

        states = cache.artifact_states(ws, "stages", {}, lambda art: sorted(reg.active_stages(art)))
        stages = sorted({s for used in states.values() for s in used})
    if args.json:
        output.print_json(stages)
    else:
        output.values(stages or [])
    return 0
