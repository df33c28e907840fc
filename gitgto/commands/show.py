"""git gto show [NAME]: the registry table, or the versions of one artifact."""

from .. import cli, output
from ..errors import GTOError

LINE_FLAGS = ("name", "version", "stage", "ref")

EXAMPLES = """\
examples:
  git gto show                       the registry: latest version and stage holders
  git gto show churn                 every version of churn, with its stages
  git gto show churn#prod --ref      the tag of the version in prod (for Makefiles)
  git gto show churn@latest --version
  git gto show --json                GTO's JSON schema of the registry
  git gto show churn --where dataset=2024-q1 --meta accuracy
                                     versions with that fact, and a column of their accuracy
  git gto show --type model --label nlp --in-stage prod
                                     the nlp models that have a version in prod
  git gto show churn --where 'accuracy~0.9*' --json

Filters (--where, --type, --label, --in-stage) pick what every output form
lists, --json included. --where reads a version's facts (`--meta KEY=VALUE` of
register/assign, stored as trailers of the tag message); `description` is a
key too. KEY!=VALUE also keeps versions without the fact; KEY~GLOB takes a
shell pattern. --in-stage: versions that hold the stage now (`show --stage`
is GTO's "print stages only").
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
    cli.filter_options(p, "--in-stage")
    p.add_argument("--meta", action="append", metavar="KEY",
                   help="show NAME: a column with the fact KEY of each version (repeatable; default: one "
                        "`meta` column, and `description`, when any version has facts)")
    return p


def line_flag(args):
    return next((f for f in LINE_FLAGS if getattr(args, f)), None)


def run(args):
    if args.artifact is None:
        return show_registry(args)
    return show_artifact(args)


def default_options():
    """show's options as its parser defaults them: `which` and `latest` ask
    the same query with these (one set of defaults, show's)."""
    return build_parser().parse_args([])


def _query(args):
    """The options of api.show, from the command line's."""
    from .. import api

    return dict(registered_only=args.registered_only, deprecated=args.deprecated, av=args.av, vs=args.vs,
                sort=args.sort, scan=api._scan(args.all_branches, args.all_commits))


def show_registry(args):
    from .. import api, filters

    registry = api._show_registry(args.repo, **_query(args), flt=filters.from_args(args))
    flag = line_flag(args)
    if args.json:
        output.print_json(registry)
    elif flag == "name":
        output.values(row["name"] for row in api._registry_rows(registry)[0])
    elif flag is not None:
        if registry:
            raise GTOError(f"Cannot apply --{flag}")
    else:
        rows, _ = api._registry_rows(registry, truncate_hexsha=True)
        header = list(rows[0]) if rows else ["name", "latest"]  # (--plain: the header alone)
        output.table(header, [list(row.values()) for row in rows], plain=args.plain)
    return 0


def show_artifact(args):
    from .. import api, filters

    versions, display_name = api._show_versions(args.repo, args.artifact, **_query(args), flt=filters.from_args(args))
    flag = line_flag(args)
    if flag == "name":
        raise GTOError("Cannot apply --name")
    if args.json:
        output.print_json(versions)
        return 0
    rows, _ = api._version_rows(versions, display_name, truncate_hexsha=True)
    if flag in ("version", "stage", "ref"):
        output.values(row[flag] for row in rows)
    else:
        header = ["artifact", "version", "stage", "created_at", "ref"]
        table = [[row[c] for c in header] for row in rows]
        _add_fact_columns(header, table, versions, args.meta)
        output.table(header, table, plain=args.plain)
    return 0


def _add_fact_columns(header, rows, versions, keys):
    """The versions' facts: the columns `--meta KEY` names, else a `meta`
    column (`key=value, ...`) and a `description` column, each only when
    some version has one."""
    from ..facts import check_key

    facts = [(v["meta"], v["description"]) for v in versions]
    if keys:
        keys = [check_key(k) for k in keys]
        header.extend(keys)
        for row, (meta, description) in zip(rows, facts):
            row.extend(description if k == "description" else meta.get(k) for k in keys)
        return
    if any(meta for meta, _ in facts):
        header.append("meta")
        for row, (meta, _) in zip(rows, facts):
            row.append(", ".join(f"{k}={v}" for k, v in meta.items()) or None)
    if any(description is not None for _, description in facts):
        header.append("description")
        for row, (_, description) in zip(rows, facts):
            row.append(description)
