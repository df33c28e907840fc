"""git gto stages: the allowed (configured) or used stages."""

from .. import cli, output


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
    from .. import api

    stages = api._stages(args.repo, args.allowed, args.used)
    if args.json:
        output.print_json(stages)
    else:
        output.values(stages or [])
    return 0
