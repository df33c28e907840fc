"""git gto show [NAME]: the registry table, or the versions of one artifact."""

from .. import cli, output, registry as reg, tags
from ..errors import GTOError

LINE_FLAGS = ("name", "version", "stage", "ref")

EXAMPLES = """\
examples:
  git gto show                       the registry: latest version and stage holders
  git gto show churn                 every version of churn, with its stages
  git gto show churn#prod --ref      the tag of the version in prod (for Makefiles)
  git gto show churn@latest --version
  git gto show --json                GTO's JSON schema of the registry
"""


def build_parser():
    p = cli.new_parser("show", "Show the registry state, highest version, or what's assigned in stage.", EXAMPLES)
    p.add_argument("artifact", nargs="?", metavar="NAME",
                   help="artifact to show (NAME, NAME@latest, NAME@greatest, NAME@vX.Y.Z, NAME#STAGE); "
                        "the whole registry if empty")
    cli.output_group(p, ("--name", "print artifact names only"), ("--version", "print versions only"),
                     ("--stage", "print stages only"), ("--ref", "print refs (tags) only"))
    p.add_argument("--ro", "--registered-only", dest="registered_only", action="store_true",
                   help="show only registered versions")
    p.add_argument("-d", "--deprecated", action="store_true", help="include deprecated artifacts and versions")
    p.add_argument("--av", "--assignments-per-version", dest="av", type=int, default=-1, metavar="N",
                   help="show the N latest stages of each version; -1 for all (default)")
    p.add_argument("--vs", "--versions-per-stage", dest="vs", type=int, default=1, metavar="N",
                   help="show N versions for each stage; -1 for all (default: 1); applied after --av")
    p.add_argument("--sort", choices=("timestamp", "semver"), default="timestamp",
                   help="which version holds a stage: the latest assignment (timestamp, default) "
                        "or the greatest version (semver)")
    p.add_argument("-a", "--all-branches", action="store_true",
                   help="also read annotations from the heads of all local branches")
    p.add_argument("-A", "--all-commits", action="store_true",
                   help="also read annotations from every commit of every local branch")
    return p


def line_flag(args):
    return next((f for f in LINE_FLAGS if getattr(args, f)), None)


def run(args):
    from ..workspace import Workspace

    reg.check_limits(args.vs, args.av)
    ws = Workspace(args.repo)
    if args.artifact is None:
        return show_registry(ws, args)
    return show_artifact(ws, args)


def _scan(args):
    return "all-commits" if args.all_commits else "all-branches" if args.all_branches else "head"


def registry_state(art, args):
    """What the registry table and `show --json` need of one artifact (the
    registry cache stores it as JSON; it must depend only on `art` and the
    options of registry_options)."""
    holders = reg.stage_holders(art, args.sort, args.vs, args.av, args.registered_only)
    latest = reg.latest(art)
    return {"latest": latest.name if latest else None, "registered": art.registered, "active": art.is_active,
            "holders": {stage: [v.name for v in versions] for stage, versions in holders.items()},
            "stages": sorted(reg.active_stages(art, args.registered_only)), "shadowed": art.shadowed}


def registry_options(args):
    return {"sort": args.sort, "vs": args.vs, "av": args.av, "registered_only": args.registered_only}


def show_registry(ws, args):
    from .. import cache

    states = cache.artifact_states(ws, "show", registry_options(args), lambda art: registry_state(art, args),
                                   fields="state", annotations=_scan(args), commits="deprecated")
    shown = {name: s for name, s in states.items() if args.deprecated or s["active"]}
    ws.warn_if_shadowed(names=[n for s in shown.values() for n in s.get("shadowed", ())])
    if ws.config.stages is not None:
        stages = list(ws.config.stages)
    else:
        stages = sorted({stage for s in shown.values() for stage in s["stages"]})
    rows = {}
    for name, state in shown.items():
        cells = {s: ", ".join(state["holders"].get(s, ())) or None for s in stages}
        rows[name] = (state, state["latest"], cells)

    flag = line_flag(args)
    if args.json:
        output.print_json({name: {"version": latest, "stage": cells, "registered": state["registered"],
                                  "active": state["active"]}
                           for name, (state, latest, cells) in rows.items()})
    elif flag == "name":
        output.values(_display_name(name, rows[name][0]) for name in sorted(rows))
    elif flag is not None:
        if rows:
            raise GTOError(f"Cannot apply --{flag}")
    else:
        header = ["name", "latest"] + ["#" + s for s in stages]
        output.table(header, [[_display_name(name, state), latest] + [_short_cell(cells[s]) for s in stages]
                              for name, (state, latest, cells) in sorted(rows.items())], plain=args.plain)
    return 0


def _display_name(name, state):
    """As Artifact.display_name: `*name` for an artifact without GTO tags."""
    return name if state["registered"] else "*" + name


def _short_cell(cell):
    """Unnamed versions (commit hexshas) shortened in tables; SemVer names stay whole."""
    return cell and ", ".join(output.short_sha(v) for v in cell.split(", "))


def show_artifact(ws, args):
    name, selector, stage = tags.parse_shortcut(args.artifact)
    tags.check_artifact(name)
    if stage is not None:
        tags.check_name(stage)
    if stage is not None and ws.config.stage_warning(stage):
        output.warn(ws.config.stage_warning(stage))  # a query answers nothing; a typo must not be silent
    registry = ws.registry(name, annotations=_scan(args), commits="all")
    ws.warn_if_shadowed(registry)
    art = registry.get(name)
    flag = line_flag(args)
    if flag == "name":
        raise GTOError("Cannot apply --name")
    versions = []
    if art.is_active or args.deprecated:
        versions = reg.listed_versions(art, active_only=not args.deprecated, registered_only=args.registered_only)
    holders = reg.stage_holders(art, args.sort, args.vs, args.av, args.registered_only)
    if selector == "latest":
        versions = versions[:1]
    elif selector is not None:
        versions = [v for v in versions if v.name == selector]
    if stage is not None:
        versions = [v for v in versions if stage in reg.version_stages(v, holders)]
    if args.json:
        from ..gtojson import version_object

        output.print_json([version_object(art, v, holders) for v in versions])
    elif flag == "version":
        output.values(output.short_sha(v.name) for v in versions)
    elif flag == "stage":
        output.values(", ".join(reg.version_stages(v, holders)) for v in versions)
    elif flag == "ref":
        output.values(output.short_sha(_ref(v)) for v in versions)
    else:
        output.table(["artifact", "version", "stage", "created_at", "ref"],
                     [[art.display_name, output.short_sha(v.name), ", ".join(reg.version_stages(v, holders)),
                       _table_time(v), output.short_sha(_ref(v))] for v in versions],
                     plain=args.plain)
    return 0


def _table_time(version):
    event = version.authoring_event
    return output.table_time(event.timestamp, event.tz) if event else None


def _ref(version):
    """GTO's `ref` of a version: the tag of its authoring event (its commit
    when it has none)."""
    event = version.authoring_event
    return event.ref if event else version.commit
