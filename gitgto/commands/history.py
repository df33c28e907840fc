"""git gto history [NAME]: the journal of registry events."""

from .. import cli, output

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
    from .. import api, filters

    fields = "full" if args.json else "state"
    events = api._history(args.repo, args.artifact, args.ascending, fields, filters.from_args(args))
    if args.json:
        from ..gtojson import history_entry

        output.print_json([history_entry(e) for e in events])
        return 0
    rows, _ = api._history_rows(events, truncate_hexsha=True)
    output.table(COLUMNS, [[str(row[c]) if c == "timestamp" else row[c] for c in COLUMNS] for row in rows],
                 plain=args.plain)
    return 0

