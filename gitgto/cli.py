"""What every command shares: its parser's common options, `--help` through
man, opening the repository and configuration, and the one error wrapper."""

import argparse
import importlib
import os
import sys

from . import output
from .commands import module_name
from .errors import GTOError

# Module name -> the package that provides it (imported lazily, so a missing
# one shows up while a command runs).
DEPENDENCIES = {"sh": "sh", "yaml": "PyYAML", "semantic_version": "semantic-version", "prettytable": "prettytable"}

MAN_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "man", "man1")


class _ManHelp(argparse.Action):
    """`--help` shows the man page (as git does), falling back to the
    built-in help when the page is not installed; `-h` is always built-in."""

    def __call__(self, parser, namespace, values, option_string=None):
        page = "git-" + parser.prog.replace("git ", "").replace(" ", "-")
        show_man_page(page)
        parser.print_help()
        parser.exit()


def show_man_page(page):
    """exec man on PAGE when it can be found; return when it cannot.

    In a checkout, man/man1/PAGE.1 is shown as a file (`man -l`), whatever
    MANPATH says. (`git gto --help` never gets here: git itself runs
    `man git-gto`, which finds the checkout's man/ from bin/ on PATH.)
    Otherwise `man -w PAGE` decides."""
    import shutil
    import subprocess

    man = shutil.which("man")
    if man is None:
        return
    local = os.path.join(MAN_DIR, page + ".1")
    if os.path.isfile(local):
        sys.stdout.flush()
        os.execv(man, [man, "-l", local])
    found = subprocess.run([man, "-w", page], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if found.returncode == 0:
        sys.stdout.flush()
        os.execv(man, [man, page])


class _Parser(argparse.ArgumentParser):
    """argparse checks required options before it reports unknown ones, so
    `--stag dev` (no abbreviations) said "--stage is required": an unknown
    option is named first, with the option it most likely meant."""

    _argv = ()

    def parse_known_args(self, args=None, namespace=None):
        self._argv = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message):
        unknown = self._unknown_options()
        if unknown and message.startswith(("the following arguments are required", "unrecognized arguments")):
            from .config import _close_match

            known = [o for o in self._option_string_actions if o.startswith("--")]
            close = _close_match(unknown[0].split("=", 1)[0], known) if unknown[0].startswith("--") else None
            hint = f" (did you mean '{close}'?)" if close else ""
            message = f"unrecognized arguments: {' '.join(unknown)}{hint}"
        super().error(message)

    def _unknown_options(self):
        found = []
        for arg in self._argv:
            if arg == "--":
                break
            if not arg.startswith("-") or arg == "-" or arg[1:2].isdigit():
                continue
            option = arg.split("=", 1)[0] if arg.startswith("--") else arg[:2]
            if option not in self._option_string_actions:
                found.append(arg)
        return found


def new_parser(command, description, epilog=None):
    p = _Parser(
        prog=f"git gto {command}", description=description, epilog=epilog, add_help=False, allow_abbrev=False,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-h", action="help", help="show a short help and exit")
    p.add_argument("--help", action=_ManHelp, nargs=0, help="show the manual page (git-gto-%s(1))" % command)
    p.add_argument("-r", "--repo", default=".", metavar="REPO",
                   help="local repository path or remote URL (default: the current repository)")
    p.add_argument("--traceback", "--tb", action="store_true", help="show the Python traceback of an error")
    return p


def output_group(parser, *flags, json=True, plain=True):
    """Mutually exclusive output formats (a conflict is a usage error)."""
    group = parser.add_mutually_exclusive_group()
    if json:
        group.add_argument("--json", action="store_true", help="print output in JSON format")
    if plain:
        group.add_argument("--plain", action="store_true", help="print tables tab-separated, without borders")
    for flag, text in flags:
        group.add_argument(flag, action="store_true", help=text)
    return group


MAX_MESSAGE = 16 * 1024 * 1024


def _message_file(path):
    """-F FILE: the tag message from a file or stdin (any size the argument
    list could not carry), as UTF-8 text."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_MESSAGE + 1)
        else:
            with open(path, "rb") as f:
                data = f.read(MAX_MESSAGE + 1)
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot read '{path}': {exc.strerror}")
    if len(data) > MAX_MESSAGE:
        raise argparse.ArgumentTypeError(f"'{path}' is larger than 16 MiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise argparse.ArgumentTypeError(f"'{path}' is not UTF-8 text")


def write_options(parser, simple=True):
    """Options of every command that writes tags."""
    message = parser.add_mutually_exclusive_group()
    message.add_argument("-m", "--message", help="message to annotate the Git tag with")
    message.add_argument("-F", "--file", type=_message_file, dest="message", metavar="FILE",
                         help="take the message from FILE ('-' for standard input), stored as it is")
    if simple:
        parser.add_argument("--simple", choices=("auto", "true", "false"), default="auto",
                            help="use simple notation, e.g. `rf#prod` instead of `rf#prod#5` (default: auto)")
    parser.add_argument("--force", action="store_true",
                        help="create the Git tag even if it already exists and is in effect")
    parser.add_argument("--push", action="store_true", help="push the created (or deleted) tags to the remote")
    parser.add_argument("--remote", default="origin", metavar="NAME",
                        help="remote to push to with --push (default: origin)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print what would be done (and the policy's verdict), change nothing")
    signing = parser.add_mutually_exclusive_group()
    parser.add_argument("-s", "--sign", action="store_true", default=None,
                        help="sign the tags with the default key (default: as git's tag.gpgSign says)")
    signing.add_argument("-u", "--local-user", metavar="KEY",
                         help="sign the tags with KEY (an SSH key file, an OpenPGP key id, ...)")
    signing.add_argument("--no-sign", dest="sign", action="store_false", default=None,
                         help="do not sign the tags, even when tag.gpgSign is set")
    policy_ref_option(parser, "the policy the new tags are checked against is read from REF's committed tree "
                              "(default: HEAD)")
    fact_options(parser)


def _argument(check):
    """An argparse `type` from a facts.py check: its error is a usage error."""
    def convert(text):
        from .facts import FactError

        try:
            return check(text)
        except FactError as exc:
            raise argparse.ArgumentTypeError(str(exc))
    return convert


def _meta_arg(text):
    from .facts import parse_meta_arg

    return parse_meta_arg(text)


def _description_arg(text):
    from .facts import check_value

    return check_value(text, "--description")


def _where_arg(text):
    from .filters import parse_where

    return parse_where(text)


def filter_options(parser, stage_option="--stage"):
    """The filters of every listing (gitgto/filters.py)."""
    parser.add_argument("--where", action="append", type=_argument(_where_arg), metavar="KEY=VALUE",
                        help="only versions whose fact KEY equals VALUE; also KEY!=VALUE (differs or is "
                             "missing) and KEY~GLOB (a shell pattern); repeatable, all must hold")
    parser.add_argument("--type", metavar="TYPE", help="only artifacts of this type (from their annotation)")
    parser.add_argument("--label", action="append", metavar="LABEL",
                        help="only artifacts with this label (from their annotation); repeatable")
    parser.add_argument(stage_option, dest="filter_stage", metavar="STAGE",
                        help="only versions that hold STAGE now")


def fact_options(parser):
    """--meta/--description of every write: facts written as git trailers at
    the end of the tag message (gitgto/facts.py has the grammar)."""
    parser.add_argument("--meta", action="append", type=_argument(_meta_arg), metavar="KEY=VALUE",
                        help="a fact about the version, written as the trailer `Key: VALUE` at the end of "
                             "the tag message (repeatable; KEY: a letter, then letters, digits, '-'; "
                             "case-insensitive; VALUE: one line)")
    parser.add_argument("--description", type=_argument(_description_arg), metavar="TEXT",
                        help="a one-line description of the version (the trailer `Description: TEXT`)")


def policy_ref_option(parser, text):
    parser.add_argument("--policy-ref", metavar="REF", help=text)


def missing_packages(failed):
    """Every runtime dependency this interpreter cannot import (`failed`
    could not), so that one pip command installs them all at once."""
    missing = []
    for module, package in DEPENDENCIES.items():
        if module == failed:
            missing.append(package)
            continue
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(package)
    return missing


def main(command, argv):
    """Run one command; returns its exit code. The only place errors are printed."""
    module = importlib.import_module(module_name(command))
    parser = module.build_parser()
    args = parser.parse_args(argv)
    try:
        return module.run(args) or 0
    except GTOError as exc:
        if args.traceback:
            raise
        output.error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `git gto show | head`: not an error; keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - the single wrapper
        if args.traceback:
            raise
        if isinstance(exc, ModuleNotFoundError) and exc.name in DEPENDENCIES:
            packages = missing_packages(exc.name)
            named = ", ".join(f"'{p}'" for p in packages)
            output.error(f"git-gto needs the Python package{'s' if len(packages) > 1 else ''} {named}, which "
                         f"{sys.executable} does not have: {sys.executable} -m pip install {' '.join(packages)}")
            return 1
        output.error(f"Unexpected error: {exc}")
        sys.stderr.write("Please report it, running the command with '--traceback'.\n")
        return 1
