"""git gto check-ref REF: what a (pushed) GTO tag means, for CI triggers."""

from .. import cli, output, registry as reg, tags
from ..errors import GTOError

SENTENCES = {
    tags.REGISTRATION: 'Version "{version}" of artifact "{artifact}" was registered',
    tags.DEREGISTRATION: 'Version "{version}" of artifact "{artifact}" was deregistered',
    tags.ASSIGNMENT: 'Stage "{stage}" was assigned to version "{version}" of artifact "{artifact}"',
    tags.UNASSIGNMENT: 'Stage "{stage}" was unassigned from version "{version}" of artifact "{artifact}"',
    tags.DEPRECATION: 'Artifact "{artifact}" was deprecated',
}


def build_parser():
    p = cli.new_parser(
        "check-ref", "Find out the artifact version registered/assigned with ref.",
        "A REF that is not an existing GTO tag prints nothing and exits 0.\n\n"
        "examples:\n  git gto check-ref 'churn#prod#4'\n  git gto check-ref \"$GITHUB_REF\" --json\n")
    p.add_argument("ref", metavar="REF", help="a GTO tag name, or refs/tags/<tag>")
    cli.output_group(p, ("--name", "print the artifact name only"), ("--version", "print the version only"),
                     ("--stage", "print the stage only"), ("--event", "print the event only"), plain=False)
    p.add_argument("--fetch", action="store_true",
                   help="first re-fetch the tag from the remote (CI checkouts make it lightweight), "
                        "and the artifact's tags missing here")
    p.add_argument("--remote", default="origin", metavar="NAME", help="remote to fetch from (default: origin)")
    p.add_argument("--verify", action="store_true",
                   help="also check the event against the signed-tag policy (.gto-policy); exit 1 when it fails")
    cli.policy_ref_option(p, "with --verify, read the policy from REF's committed tree (default: HEAD; in CI "
                             "name the protected branch, e.g. origin/main)")
    return p


def verify(ws, registry, name, policy_ref):
    """Refuse (exit 1) an event the policy does not allow."""
    from ..errors import PolicyViolation
    from ..governance import open_policy

    gov = open_policy(ws.repo, policy_ref)
    if gov.policy is None:
        output.warn(f"no {gov.policy_ref}:.gto-policy: only checking that '{name}' is annotated "
                    f"and carries its own name")
    result = next(r for r in gov.evaluate(registry, ws.records) if r.tag == name)
    if not result.ok:
        where = gov.policy.where if gov.policy is not None else "always"
        raise PolicyViolation(f"The policy ({where}) refuses {result.line()}")


def run(args):
    from ..workspace import Workspace, lightweight_advice

    name = args.ref[len("refs/tags/"):] if args.ref.startswith("refs/tags/") else args.ref
    tag = tags.parse_tag(name)
    ws = Workspace(args.repo)
    if tag is None:
        return 0
    if args.fetch:
        ws.repo.fetch_tag(args.remote, name, tags.refspec_patterns(tag.artifact))
    registry = ws.registry(tag.artifact)
    ws.warn_if_annotations_broken(tag.artifact)
    events = [e for e in reg.history(registry, tag.artifact, ascending=True) if e.ref == name]
    if not events:
        record = next((r for r in ws.records if r.name == name), None)
        if record is not None and not record.annotated:
            raise GTOError(lightweight_advice(name, args.remote))
        if args.verify:
            raise GTOError(f"'{name}' is not an event here: nothing to verify")
        return 0
    event = events[0]
    if args.verify:
        verify(ws, registry, name, args.policy_ref)
    if args.json:
        from ..gtojson import check_ref_object

        output.print_json(check_ref_object(event))
    elif args.name:
        output.values([event.artifact])
    elif args.version:
        output.values([event.version])
    elif args.stage:
        output.values([event.stage])
    elif args.event:
        output.values([event.kind])
    else:
        output.echo(output.emoji(output.EMOJI_OK) + " " + SENTENCES[event.kind].format(
            version=event.version, artifact=event.artifact, stage=event.stage))
    return 0
