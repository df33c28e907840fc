"""git gto check-ref REF: what a (pushed) GTO tag means, for CI triggers."""

from .. import cli, output, tags

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
                   help="also check the event against the signed-tag policy (.gto-policy); exit 1 when it fails, "
                        "3 when it cannot be checked (a broken policy, ssh-keygen missing, git failing)")
    cli.policy_ref_option(p, "with --verify, read the policy from REF's committed tree (default: HEAD; in CI "
                             "name the protected branch, e.g. origin/main)")
    return p


def run(args):
    from .. import api

    events = api._check_ref(args.repo, args.ref, args.fetch, args.remote, args.verify, args.policy_ref)
    if not events:
        return 0
    event = events[0]
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
