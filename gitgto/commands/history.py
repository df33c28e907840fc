"""git gto history [NAME]: the journal of registry events."""

from .. import cli, output, registry as reg, tags

EXAMPLES = """\
examples:
  git gto history
  git gto history churn --json
  git gto history --where dataset=2024-q1        the events of versions with that fact
  git gto history --type model --stage prod      the events of model versions in prod now

Filters pick the events of the artifacts and versions they keep (see
git-gto-show(1)); a deprecation, which has no version, stays only without
--where and --stage. --json carries each event's own facts (`meta`,
`description`).
"""

COLUMNS = ["timestamp", "artifact", "event", "version", "stage", "commit", "ref"]


def build_parser():
    p = cli.new_parser("history", "Show a journal of registry operations, newest first.",
                       EXAMPLES)
    p.add_argument("artifact", nargs="?", metavar="NAME", help="artifact to show; all artifacts if empty")
    cli.output_group(p)
    p.add_argument("--ascending", "--asc", action="store_true", help="show the oldest events first")
    p.add_argument("-a", "--all-branches", action="store_true", help="accepted for GTO 0.2 compatibility")
    p.add_argument("-A", "--all-commits", action="store_true", help="accepted for GTO 0.2 compatibility")
    cli.filter_options(p)
    return p


def run(args):
    from .. import filters
    from ..workspace import Workspace

    if args.artifact is not None:
        tags.check_artifact(args.artifact)
    ws = Workspace(args.repo)
    fields = "full" if args.json else "state"
    flt = filters.from_args(args)
    if flt.active:
        events = _filtered(ws, args, flt)
    elif args.artifact is None:  # the whole registry: through the registry cache
        from .. import cache

        states = cache.artifact_states(ws, "history", {}, lambda art: reg.dump_events(reg.history_of(art)),
                                       fields=fields)
        events = reg.merge_history([reg.load_events(s) for s in states.values()], args.ascending)
    else:
        events = reg.history(ws.registry(args.artifact, fields=fields), args.artifact, args.ascending)
    if not flt.on_artifacts:  # (else the registry read with annotations warned)
        ws.warn_if_annotations_broken(args.artifact)
    if args.json:
        from ..gtojson import history_entry

        output.print_json([history_entry(e) for e in events])
        return 0
    output.table(COLUMNS, [[output.table_time(e.timestamp, e.tz), e.artifact, e.kind,
                            output.short_sha(e.version) if e.version else "-", e.stage or "-",
                            e.commit[:7], e.ref] for e in events], plain=args.plain)
    return 0


def _filtered(ws, args, flt):
    """The journal of what the filters keep (read past the registry cache:
    --where needs the tag messages, --type and --label the annotations)."""
    from .. import filters

    fields = "full" if args.json or flt.where else "state"
    registry = ws.registry(args.artifact, fields=fields, annotations="head" if flt.on_artifacts else None)
    return filters.events(reg.history(registry, args.artifact, args.ascending), filters.select(registry, flt))
