"""`git gto <command>`: run a built-in command in this process (no second
Python start-up), or exec an extension `git-gto-<name>` found on PATH."""

import os
import sys

from . import __version__
from .commands import ALIASES, COMMANDS, SECTIONS

USAGE = "usage: git gto [--version] [-h | --help] <command> [<args>]"


def overview():
    lines = [USAGE, "", "Git Tag Ops: an artifact registry in git tags.", ""]
    for section, title in SECTIONS.items():
        lines.append(title + ":")
        for name, (summary, where) in COMMANDS.items():
            if where == section:
                alias = [a for a, target in ALIASES.items() if target == name]
                label = f"{name} ({', '.join(alias)})" if alias else name
                lines.append(f"   {label:<19}{summary}")
        lines.append("")
    lines.append("'git gto <command> -h' shows a command's options; 'git gto help <command>' "
                 "(or 'git gto <command> --help') its manual page.")
    return "\n".join(lines)


def command_of(program):
    """`git-gto-show` (a link to this launcher) runs `show`."""
    base = os.path.basename(program)
    if base.startswith("git-gto-"):
        return base[len("git-gto-"):]
    return None


def main(argv):
    import gc

    # One short command: the registry's objects live until exit anyway, and the
    # cyclic collector would only re-scan them (a third of `show` on 40k tags).
    gc.disable()
    from .cli import main as run_command

    command = command_of(argv[0])
    args = argv[1:]
    if command is None:
        if not args or args[0] in ("-h",):
            sys.stdout.write(overview() + "\n")
            return 0 if args else 1
        if args[0] == "--help":
            from .cli import show_man_page

            show_man_page("git-gto")
            sys.stdout.write(overview() + "\n")
            return 0
        if args[0] == "help":  # like `git help`: the manual page, else the built-in help
            return run_help(args[1:])
        if args[0] == "--version":
            sys.stdout.write(f"git-gto version {__version__}\n")
            return 0
        command, args = args[0], args[1:]
    command = ALIASES.get(command, command)
    if command not in COMMANDS:
        return run_extension(command, args)
    try:
        return run_command(command, args)
    finally:
        # The collection at interpreter exit would still walk every object
        # (a tenth of a cold `show`): frozen ones it skips.
        gc.freeze()


def run_help(args):
    """`git gto help [COMMAND]`."""
    from .cli import show_man_page

    if not args:
        show_man_page("git-gto")
        sys.stdout.write(overview() + "\n")
        return 0
    command = ALIASES.get(args[0], args[0])
    if command not in COMMANDS:
        return run_extension(command, ["--help"])
    from .cli import main as run_command

    return run_command(command, ["--help"])


def run_extension(name, args):
    import shutil  # only here: every command pays for a module-level import

    extension = None if name.startswith("-") else shutil.which("git-gto-" + name)
    if extension is not None:
        os.execv(extension, [extension] + args)
    sys.stderr.write(f"git gto: '{name}' is not a git-gto command. See 'git gto -h'.\n")
    from difflib import get_close_matches

    similar = get_close_matches(name, list(COMMANDS) + list(ALIASES), n=1, cutoff=0.5)
    if similar:
        sys.stderr.write(f"\nThe most similar command is\n\t{similar[0]}\n")
    return 2
