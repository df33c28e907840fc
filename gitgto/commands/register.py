"""git gto register NAME [REF]: tag a commit as a new version of an artifact."""

from .. import cli

EXAMPLES = """\
examples:
  git gto register churn                     next patch version at HEAD (v0.0.1 first)
  git gto register churn HEAD --version v3.1.0
  git gto register churn --bump-minor
  git gto register churn v3.1.0-rc.1-commit --version v3.1.0 --force   (a 2nd version on one commit)
  git gto register churn --meta accuracy=0.94 --meta dataset=2026-q3 --description 'retrained on Q3'

--meta and --description are facts about the version, written as git trailers at the end of
the tag message (`Accuracy: 0.94`): gto 1.x reads the tag as before, `git for-each-ref
--format='%(trailers:key=accuracy,valueonly)'` reads the fact, and show, describe, history
and their --where filters use them. A key is an ASCII letter, then letters, digits and '-'
(not last), at most 64 characters, case-insensitive; a value is one line of printable text.

A second version on one commit, or a deregistered version registered again, needs --force:
gto 1.x cannot read either, and a warning line on stderr says so. Without --version, names
kept by deregistered versions are skipped.
"""


def build_parser():
    p = cli.new_parser("register", "Create an artifact version to signify an important, published or "
                                   "released iteration.", EXAMPLES)
    p.add_argument("artifact", metavar="NAME", help="artifact name (`dir:name` for a monorepo path)")
    p.add_argument("ref", nargs="?", default="HEAD", metavar="REF", help="Git reference to register (default: HEAD)")
    p.add_argument("--version", "--ver", metavar="VERSION", help="version name in SemVer format, e.g. v1.0.0")
    p.add_argument("--bump-major", action="store_true", help="bump the major version")
    p.add_argument("--bump-minor", action="store_true", help="bump the minor version")
    p.add_argument("--bump-patch", action="store_true", help="bump the patch version (the default)")
    cli.write_options(p)
    return p


def run(args):
    from .. import api

    api.register(args.repo, args.artifact, args.ref, version=args.version, message=args.message,
                 simple=args.simple, force=args.force, bump_major=args.bump_major, bump_minor=args.bump_minor,
                 bump_patch=args.bump_patch, push=args.push, stdout=True, dry_run=args.dry_run,
                 remote=args.remote, sign=args.sign, key=args.local_user, policy_ref=args.policy_ref, meta=args.meta, description=args.description)
    return 0
