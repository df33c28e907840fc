"""git gto history [NAME]: the journal of registry events."""

from .. import cli, output

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
    from .. import api

    fields = "full" if args.json else "state"
    events = api._history(args.repo, args.artifact, args.ascending, fields)
    if args.json:
        from ..gtojson import history_entry

        output.print_json([history_entry(e) for e in events])
        return 0
    rows, _ = api._history_rows(events, truncate_hexsha=True)
    output.table(COLUMNS, [[str(row[c]) if c == "timestamp" else row[c] for c in COLUMNS] for row in rows],
                 plain=args.plain)
    return 0
