"""git gto latest NAME: the greatest version of an artifact, GTO 0.1's
`latest`; the `#`-free companion of `which` (see which.py), and like it an
error (exit 1, nothing on stdout) when there is no answer."""

from .. import cli
from .which import answer_options, print_answer, show_query

EXAMPLES = """\
What `show NAME@latest --version` prints, spelled without `@latest`, as GTO
0.1's `latest`. Unlike show, no answer is an error: exit 1 and nothing on
standard output.

examples:
  git gto latest churn                the greatest version (v1.2.0)
  git gto latest churn --ref          the tag that registered it (churn@v1.2.0)
  git gto latest churn --commit       the commit id of that version
"""


def build_parser():
    p = cli.new_parser("latest", "Print the greatest version of an artifact (show NAME@latest).", EXAMPLES)
    p.add_argument("artifact", metavar="NAME", help="artifact name")
    answer_options(p)
    return p


def run(args):
    versions = show_query(args, "@latest")
    print_answer(versions, args.answer, f"'{args.artifact}' has no active version")
    return 0
