"""git gto which NAME STAGE: the version in a stage, GTO 0.1's `which`.

The `#`-free form of `show NAME#STAGE --version|--ref`, for Makefiles: GNU
make before 4.3 reads `#` in `$(shell …)` as the start of a comment. Unlike
show, no answer is an error (exit 1, nothing on stdout), so that `set -e`
scripts and `$(shell …)` callers cannot take an empty answer for a version."""

from .. import cli

EXAMPLES = """\
What `show NAME#STAGE --version` prints, spelled without `#` for GNU make
before 4.3, which reads `#` inside $(shell ...) as a comment. Unlike show, no
answer is an error: exit 1 and nothing on standard output.

examples:
  git gto which churn prod            the version in prod (v1.2.0)
  git gto which churn prod --ref      the tag that registered it (churn@v1.2.0)
  git gto which churn prod --commit   the commit id of that version
"""


def build_parser():
    p = cli.new_parser("which", "Print the version assigned to a stage (show NAME#STAGE without the #).", EXAMPLES)
    p.add_argument("artifact", metavar="NAME", help="artifact name")
    p.add_argument("stage", metavar="STAGE", help="stage name")
    answer_options(p)
    return p


def answer_options(parser):
    """What to print of the answer: one of --version (the default), --ref, --commit."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--version", dest="answer", action="store_const", const="version",
                       help="print the version name (the default)")
    group.add_argument("--ref", dest="answer", action="store_const", const="ref",
                       help="print the tag that registered the version (its commit when it has none)")
    group.add_argument("--commit", dest="answer", action="store_const", const="commit",
                       help="print the full commit id of the version")
    parser.set_defaults(answer="version")


def print_answer(versions, answer, nothing):
    """The versions show's query found, one a line as `show --version|--ref`
    prints them; GTOError(nothing) (exit 1, stdout empty) when there are none."""
    from .. import output
    from ..errors import GTOError

    if not versions:
        raise GTOError(nothing)
    if answer == "commit":
        output.values(v["commit_hexsha"] for v in versions)
    else:
        output.values(output.short_sha(v[answer]) for v in versions)


def show_query(args, selection):
    """The versions `show NAME<selection>` finds (`#STAGE`, `@latest`), with show's default options."""
    from .. import api, tags
    from .show import _query, default_options

    tags.check_artifact(args.artifact)  # before the shortcut is spelled: no '@' or '#' may sneak in
    versions, _ = api._show_versions(args.repo, args.artifact + selection, **_query(default_options()))
    return versions


def run(args):
    from ..tags import check_name

    check_name(args.stage)
    versions = show_query(args, "#" + args.stage)
    print_answer(versions, args.answer, f"No version of '{args.artifact}' is in stage '{args.stage}'")
    return 0
