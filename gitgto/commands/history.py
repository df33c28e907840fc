"""git gto history [NAME]: the journal of registry events."""

from .. import cli, output, registry as reg, tags

COLUMNS = ["timestamp", "artifact", "event", "version", "stage", "commit", "ref"]


def build_parser():
    p = cli.new_parser("history", "Show a journal of registry operations, newest first.",
                       "examples:\n  git gto history\n  git gto history churn --json\n")
    p.add_argument("artifact", nargs="?", metavar="NAME", help="artifact to show; all artifacts if empty")
    cli.output_group(p)
    p.add_argument("--ascending", "--asc", action="store_true", help="show the oldest events first")
    p.add_argument("-a", "--all-branches", action="store_true", help="accepted for GTO 0.2 compatibility")
    p.add_argument("-A", "--all-commits", action="store_true", help="accepted for GTO 0.2 compatibility")
    return p


def run(args):
    from ..workspace import Workspace

    if args.artifact is not None:
        tags.check_artifact(args.artifact)
    ws = Workspace(args.repo)
    fields = "full" if args.json else "state"
    if args.artifact is None:  # the whole registry: through the registry cache
        from .. import cache

        states = cache.artifact_states(ws, "history", {}, lambda art: reg.dump_events(reg.history_of(art)),
                                       fields=fields)
        events = reg.merge_history([reg.load_events(s) for s in states.values()], args.ascending)
    else:
        registry = ws.registry(args.artifact, fields=fields)
        ws.warn_if_shadowed(registry)
        events = reg.history(registry, args.artifact, args.ascending)
        if args.artifact not in registry.artifacts and registry.hint(args.artifact):
            output.warn(f"no artifact '{args.artifact}'{registry.hint(args.artifact)}")  # GTO: empty, exit 0
    ws.warn_if_annotations_broken(args.artifact)
    if args.json:
        from ..gtojson import history_entry

        output.print_json([history_entry(e) for e in events])
        return 0
    output.table(COLUMNS, [[output.table_time(e.timestamp, e.tz), e.artifact, e.kind,
                            output.short_sha(e.version) if e.version else "-", e.stage or "-",
                            e.commit[:7], e.ref] for e in events], plain=args.plain)
    return 0
