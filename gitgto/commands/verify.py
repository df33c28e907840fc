"""git gto verify [TAG...] [--all] [--stdin]: check registry events against
the signed-tag policy (.gto-policy at --policy-ref), on a laptop, in CI or
in a server's pre-receive hook."""

import sys

from .. import cli, output
from ..errors import CannotCheck

EPILOG = """\
With TAGs, checks those events; with --all, every event; with no argument,
the events behind the current state (each active version's registration,
each active stage's assignment, each deprecation in effect). With --stdin,
reads pre-receive lines (OLD NEW REF): checks the GTO tags a push creates
against the registry before the push, refuses deleting or moving GTO tags
when the policy says `immutable: true`, refuses refs/replace/* unless the
server sets gto.allowReplaceRefs=true, and lets every other ref through.

A tag is signed only when its own `git verify-tag` exits 0; the signer is the
principal on the first line git prints for it. Pushed tags are verified as
of now (a key retired with valid-before stays retired); other events at
their tagger date. Good verdicts are cached (GTO_NO_CACHE=1 turns it off).

exit status: 0 all good, 1 a violation, 2 usage, 3 cannot check (a broken
policy, a missing signers file).

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
                             "in a bare repository, the default branch)")
    p.add_argument("--json", action="store_true", help="print the verdicts in JSON format")
    return p


def run(args):
    """Any error is "cannot check" (exit 3): a hook must not read it as a verdict."""
    from ..errors import GTOError

    try:
        return _run(args)
    except CannotCheck:
        raise
    except GTOError as exc:
        raise CannotCheck(str(exc))


def _run(args):
    from .. import registry as reg
    from .. import tags
    from ..governance import Governance
    from ..workspace import Workspace

    if args.tags and (args.all or args.stdin):
        cli_error(f"TAG arguments cannot be combined with {'--all' if args.all else '--stdin'}")
    ws = Workspace(args.repo)
    gov = Governance(ws.repo, args.policy_ref or "HEAD", explicit=args.policy_ref is not None)
    if args.stdin:
        from ..prereceive import check_push

        results = check_push(ws.repo, gov, sys.stdin.buffer.read().decode("utf-8", "surrogateescape"))
        return report(gov, results, args.json)
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
    return report(gov, results, args.json)


def current_state_tags(registry):
    """The tags whose events make the registry's current state."""
    from .. import registry as reg

    chosen = set()
    for art in registry.artifacts.values():
        if not art.is_active and art.deprecations:
            chosen.add(art.deprecations[-1].ref)
        for version in art.versions:
            if version.is_active and version.registrations:
                chosen.add(version.registrations[-1].ref)
        for stage, versions in reg.stage_holders(art).items():
            for version in versions:
                chosen.add(version.stages[stage].last_event.ref)
    return chosen


def report(gov, results, as_json):
    if as_json:
        output.print_json({
            "policy": gov.policy.where if gov.policy is not None else None,
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
