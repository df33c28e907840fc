"""git gto status: local GTO tags compared with a remote's."""

import shlex

from .. import cli, output, tags


def build_parser():
    p = cli.new_parser(
        "status", "Compare the local GTO tags with the remote's: not pushed, not fetched, different.",
        "Exit status: 0 when in sync, 1 when not, 3 when it cannot check (the remote cannot be read).\n\n"
        "examples:\n  git gto status\n  git gto status --remote upstream --json\n")
    p.add_argument("--remote", default="origin", metavar="NAME", help="remote name or URL (default: origin)")
    p.add_argument("--json", action="store_true", help="print output in JSON format")
    return p


def compare(local, remote):
    """{name: oid} x2 -> (only here, only there, different), each sorted."""
    only_local = sorted(n for n in local if n not in remote)
    only_remote = sorted(n for n in remote if n not in local)
    different = sorted(n for n in local if n in remote and local[n] != remote[n])
    return only_local, only_remote, different


def remote_tags(ws, remote):
    """The remote's tags; an unreachable remote is "cannot check" (exit 3),
    not "out of sync" (exit 1): a script must tell the two apart."""
    from ..errors import CannotCheck, GitError

    try:
        return ws.repo.remote_tags(remote)
    except GitError as exc:
        raise CannotCheck(str(exc))


def run(args):
    from ..workspace import Workspace

    ws = Workspace(args.repo)
    local = {r.name: r.oid for r in ws.read_tags(fields="state") if tags.parse_tag(r.name)}
    remote = {n: oid for n, oid in remote_tags(ws, args.remote).items() if tags.parse_tag(n)}
    unpushed, unfetched, different = compare(local, remote)
    in_sync = not (unpushed or unfetched or different)
    if args.json:
        output.print_json({"remote": args.remote, "in_sync": in_sync, "not_pushed": unpushed,
                           "not_fetched": unfetched, "different": different})
        return 0 if in_sync else 1
    if in_sync:
        output.echo(f"GTO tags are in sync with '{args.remote}' ({len(local)} tags).")
        return 0
    rows = [[n, "not pushed"] for n in unpushed] + [[n, "not fetched"] for n in unfetched] \
        + [[n, "different here and there"] for n in different]
    output.table(["tag", "status"], sorted(rows))
    quoted = shlex.quote(args.remote)
    if unpushed:
        output.echo("To push the changes upstream, run:")
        output.echo(f"    git push {quoted} " + " ".join(shlex.quote("refs/tags/" + n) for n in unpushed))
    if unfetched or different:
        output.echo("To fetch the remote's tags, run:")
        output.echo(f"    git fetch {quoted} 'refs/tags/*:refs/tags/*'"
                    + ("   (add --force to take the remote's version of the different tags)" if different else ""))
    return 1
