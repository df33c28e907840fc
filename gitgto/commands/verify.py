"""git gto verify [TAG...] [--all] [--stdin]: check registry events against
the signed-tag policy (.gto-policy at --policy-ref), on a laptop, in CI or
in a server's pre-receive hook."""

import sys

from .. import cli, output
from ..errors import CannotCheck

EPILOG = """\
With TAGs, checks those events; with --all, every event; with no argument,
every event that shapes the current state: the latest registration or
deregistration of each version, the latest assignment or unassignment of
each of its stages, the latest deprecation of each artifact.

With --stdin, reads pre-receive lines (OLD NEW REF): checks the GTO tags a
push creates against the registry before the push, refuses deleting or
moving GTO tags when the policy says `immutable: true`, and, under a
`policy: {signed_by: [...]}` rule, refuses commits to the policy branch
that change .gto-policy or the signers file unless signed by that group.
Other refs go through. The policy is read from --policy-ref, else from
`git config gto.policyRef` (a full ref name, e.g. refs/heads/main), else
from the branch HEAD names, as it was before the push. A configured policy
ref that is missing or broken refuses GTO tags (exit 3) and lets branches
through, so that the fix can be pushed; no policy at all is a warning.
Pushes to refs/replace/* are refused (with or without a policy) unless the
server sets gto.allowReplaceRefs=true.

A tag is signed only when its own `git verify-tag` exits 0; the signer is the
principal on the first line git prints for it. Pushed tags are verified as
of now (a key retired with valid-before stays retired); other events at
their tagger date. Good verdicts are cached (GTO_NO_CACHE=1 turns it off).

exit status: 0 all good, 1 a violation, 2 usage, 3 cannot check (a broken
or missing policy, a missing signers file, ssh-keygen not installed, git
failing, an internal error): never a pass.

examples:
  git gto verify                         the current state
  git gto verify 'churn#prod#4' --json
  git gto verify --all --policy-ref origin/main
  exec git gto verify --stdin            a server's hooks/pre-receive
"""


def build_parser():
    p = cli.new_parser("verify", "Check registry events against the signed-tag policy (.gto-policy).", EPILOG)
    p.add_argument("tags", nargs="*", metavar="TAG", help="GTO tags to check (or refs/tags/<tag>)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--all", action="store_true", help="check every event of the registry")
    mode.add_argument("--stdin", action="store_true",
                      help="read pre-receive lines (OLD NEW REF) from standard input and check the pushed tags")
    cli.policy_ref_option(p, "read .gto-policy and its signers file from REF's committed tree (default: HEAD; "
                             "with --stdin: gto.policyRef, else the branch HEAD names)")
    p.add_argument("--json", action="store_true", help="print the verdicts in JSON format")
    return p


def run(args):
    """Any error is "cannot check" (exit 3): a hook must not read it as a verdict."""
    from ..governance import cannot_check

    return cannot_check(_run, args)


def _run(args):
    from .. import registry as reg
    from .. import tags
    from ..governance import Governance
    from ..workspace import Workspace

    if args.tags and (args.all or args.stdin):
        cli_error(f"TAG arguments cannot be combined with {'--all' if args.all else '--stdin'}")
    if args.stdin:
        # No Workspace: the hook reads `.gto` from the policy ref, not from HEAD
        # (a broken `.gto` elsewhere must neither block nor open anything).
        from .. import prereceive
        from ..git import Repo

        text = sys.stdin.buffer.read().decode("utf-8", "surrogateescape")
        verdict = prereceive.check(Repo(args.repo), args.policy_ref, text)
        for line in verdict.warnings:
            output.warn(line)
        code = report(verdict.where, verdict.results, args.json)
        if verdict.cannot:
            raise CannotCheck(verdict.cannot)
        return code
    ws = Workspace(args.repo)
    gov = Governance(ws.repo, args.policy_ref or "HEAD", explicit=args.policy_ref is not None, config=ws.config)
    if gov.policy is None:
        output.warn(f"no {gov.policy_ref}:.gto-policy: only checking that GTO tags are annotated "
                    f"and carry their own name")
    names = [t[len("refs/tags/"):] if t.startswith("refs/tags/") else t for t in args.tags]
    subset = None
    if names:
        parsed = [tags.parse_tag(n) for n in names]
        for name, tag in zip(names, parsed):
            if tag is None:
                raise CannotCheck(f"'{name}' is not a GTO tag")
        subset = sorted({t.artifact for t in parsed})
    records = ws.read_tags(fields="full", subset=subset)
    registry = reg.build(records)
    results = gov.evaluate(registry, records)
    if names:
        by_tag = {r.tag: r for r in results}
        missing = [n for n in names if n not in by_tag]
        if missing:
            raise CannotCheck(f"No GTO tag '{missing[0]}' here")
        results = [by_tag[n] for n in dict.fromkeys(names)]
    elif not args.all:
        current = current_state_tags(registry)
        results = [r for r in results if r.tag in current]
    return report(gov.policy.where if gov.policy is not None else None, results, args.json)


def current_state_tags(registry):
    """The tags whose events make the registry's current state: the latest
    event of each version's registration, of each of its stages and of each
    artifact's deprecation. Unassignments and deregistrations count: an
    unsigned rollback of prod shapes the state as much as a promotion."""
    chosen = set()
    for art in registry.artifacts.values():
        if art.deprecations:
            chosen.add(art.deprecations[-1].ref)
        for version in art.versions:
            events = version.registrations + version.deregistrations
            if events:
                chosen.add(max(events, key=lambda e: e.key).ref)
            for vstage in version.stages.values():
                if vstage.last_event is not None:
                    chosen.add(vstage.last_event.ref)
    return chosen


def report(where, results, as_json):
    if as_json:
        output.print_json({
            "policy": where,
            "ok": all(r.ok for r in results),
            "events": [result_json(r) for r in results],
        })
    else:
        for r in results:
            output.echo(f"{'ok' if r.ok else 'FAIL'} {r.tag} {r.signer or '-'} {r.rule}: {r.why}")
    return 0 if all(r.ok for r in results) else 1


def result_json(r):
    s = r.subject
    return {"tag": r.tag, "ok": r.ok, "artifact": s.artifact, "event": s.kind, "version": s.version,
            "stage": s.stage, "signer": r.signer,
            "signature": s.signature.status if s.signature is not None else None,
            "rule": r.rule, "reason": r.why}


def cli_error(message):
    build_parser().error(message)
