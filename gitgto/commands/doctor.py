"""git gto doctor: version, configuration, and problems found in the tags."""

from collections import defaultdict

from .. import __version__, cli, output, tags
from ..workspace import lightweight_advice


def build_parser():
    p = cli.new_parser("doctor", "Display git-gto version and check the registry for problems.",
                       "Also reports the health of the signed-tag policy at HEAD (.gto-policy): that it\n"
                       "reads and is valid, that its stages are ones .gto allows, that its signers file\n"
                       "exists and that every principal its groups name has a key there.\n\n"
                       "With --remote, also the stage tags that remote holds without their version's\n"
                       "registration (it then points a stage at a bare commit).\n\n"
                       "Exit status: 1 when it finds a problem, else 0; 3 when --remote cannot be read.\n"
                       "Hints (such as packing thousands of loose tag refs with git pack-refs --all) do\n"
                       "not change it.\n")
    p.add_argument("-A", "--all-commits", action="store_true",
                   help="also check artifacts.yaml in every commit of every local branch")
    p.add_argument("--remote", metavar="NAME",
                   help="also ask this remote (one git ls-remote) for stage tags it holds without the "
                        "registration of their version; without it, doctor never touches the network")
    return p


def near_miss(name):
    """Tags that look like GTO tags but are not (typos in versions and the like)."""
    if tags.parse_tag(name) is not None:
        return False
    return ("@" in name or "#" in name) and not name.startswith(("@", "#"))


def problems(ws, registry, records):
    found = []
    if ws.repo.shallow:
        found.append("this is a shallow clone: the registry may be incomplete (git fetch --tags --unshallow)")
    for art in registry.artifacts.values():
        by_commit = defaultdict(list)
        for v in art.versions:
            if v.registrations:
                by_commit[v.commit].append(v.name)
            if len(v.registrations) > 1:
                found.append(f"artifact '{art.name}' version {v.name} is registered {len(v.registrations)} "
                             f"times: gto 1.x cannot read it")
        for commit, names in by_commit.items():
            if len(names) > 1:
                found.append(f"artifact '{art.name}' has {len(names)} versions on commit {commit[:7]}: "
                             + ", ".join(sorted(names)) + " (gto 1.x cannot read stage tags there)")
    found.extend(ws.annotation_problems)
    if ws.repo.root is not None:
        from .. import annotations as ann
        from ..errors import GTOError

        try:
            ann.load_worktree(ws.repo.root)
        except GTOError as exc:
            found.append(str(exc))
    for name in registry.ignored_lightweight:
        found.append(lightweight_advice(name))
    for record in records:
        if record.annotated and record.commit is None and tags.parse_tag(record.name):
            found.append(f"'{record.name}' does not point at a commit: ignored")
        elif tags.parse_tag(record.name) and tags.parse_tag(record.name).kind == tags.CREATION:
            found.append(f"'{record.name}' is reserved by GTO and never written: ignored")
        elif near_miss(record.name):
            found.append(f"'{record.name}' looks like a GTO tag but is not one: ignored")
    return found


def policy_health(ws):
    """(POLICY value, problems, hints) of the policy at HEAD; (None, [], []) without one."""
    from ..errors import CannotCheck
    from ..governance import Governance

    try:
        gov = Governance(ws.repo, "HEAD", config=ws.config)
    except CannotCheck as exc:
        return "unreadable", [str(exc)], []
    policy = gov.policy
    if policy is None:
        return None, [], []
    found = []
    signers = f"HEAD:{policy.signers}"
    if not gov.has_signers_file:
        found.append(f"the policy '{policy.where}' names the signers file '{signers}', which does not exist")
    else:
        known = {p for principals in gov.signers.values() for p in principals}
        if not known and policy.needs_signatures:
            found.append(f"the signers file '{signers}' lists no key: every signed event will be refused")
        for group, members in sorted(policy.groups.items()):
            for member in members:
                if member not in known:
                    found.append(f"group '{group}' of '{policy.where}' names {member}, who has no key in '{signers}'")
    hints = []
    if policy.protect is None:
        hints.append(f"'{policy.where}' does not protect itself: whoever can push to the policy branch can "
                     f"change it (add policy: {{signed_by: [GROUP]}}, see the README's Governance section)")
    return policy.where, found, hints


def unregistered_on_remote(registry, remote_tags, remote):
    """Stage events the remote holds whose version's registration it does
    not: there the stage points at a bare commit (an `assign --push` from
    before registrations were pushed along, or a registration pushed
    nowhere)."""
    import shlex

    found = []
    for art in registry.artifacts.values():
        for v in art.versions:
            names = [e.ref for e in v.registrations]
            if not names or any(n in remote_tags for n in names):
                continue
            held = sorted(e.ref for e in v.stage_events if e.ref in remote_tags)
            if held:
                found.append(f"'{held[0]}' is on '{remote}' but the registration of {art.name} {v.name} is not: "
                             f"git push {shlex.quote(remote)} {shlex.quote(names[-1])}")
    return found


LOOSE_TAGS = 2000  # loose tag refs from which a ref listing is several times slower than packed ones


def hints(ws, registry=None):
    """Advice that is not a problem of the registry (the exit status ignores it)."""
    found = []
    for art in registry.artifacts.values() if registry is not None else ():
        for v in art.versions:
            if v.discovered and v.stages:  # a stage event on a commit no registration names
                first = min(v.stage_events, key=lambda e: e.key)
                found.append(f"'{first.ref}' assigns a stage on commit {v.commit[:7]}, where no version of "
                             f"'{art.name}' is registered here: fetch the registration (git fetch --tags "
                             f"origin) or register one (assign --sr makes such stages on purpose)")
    if ws.repo.loose_tag_refs(LOOSE_TAGS) >= LOOSE_TAGS:
        found.append(f"{LOOSE_TAGS} or more tags are loose files, which makes listing tags several times "
                     "slower: pack them with git pack-refs --all")
    return found


def run(args):
    from ..workspace import Workspace

    output.echo(output.emoji(output.EMOJI_GTO) + f" git-gto version: {__version__}")
    output.echo("---------------------------------")
    ws = Workspace(args.repo)
    cfg = ws.config
    output.echo(f"CONFIG_FILE={cfg.source!r}")
    output.echo(f"TYPES={cfg.types!r}")
    output.echo(f"STAGES={cfg.stages!r}")
    output.echo(f"EMOJIS={cfg.emojis!r}")
    output.echo(f"LOG_LEVEL={cfg.log_level!r}")
    policy, policy_problems, policy_hints = policy_health(ws)
    if policy is not None:  # a repository without governance reads as in GTO
        output.echo(f"POLICY={policy!r}")
    output.echo("---------------------------------")
    ws.warn_broken_annotations = False  # findings, on stdout
    registry = ws.registry(annotations="all-commits" if args.all_commits else "head")
    found = policy_problems + problems(ws, registry, ws.records)
    if args.remote is not None:
        from .status import remote_tags

        found += unregistered_on_remote(registry, remote_tags(ws, args.remote), args.remote)
    for hint in policy_hints + hints(ws, registry):
        output.echo(output.emoji(output.EMOJI_HINT) + hint)
    if not found:
        output.echo(output.emoji(output.EMOJI_OK) + " No issues found")
        return 0
    for problem in found:
        output.echo(output.emoji(output.EMOJI_FAIL) + problem)
    return 1
