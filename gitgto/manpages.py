"""Build the man pages from the commands' own argparse parsers.

    python -m gitgto.manpages [OUTDIR]        (default: the checkout's man/man1/)

Writes git-gto.1 (the overview) and git-gto-<command>.1 for every command in
COMMANDS, with argparse-manpage. The output is reproducible: the terminal
width is fixed and the date comes from SOURCE_DATE_EPOCH (default: a fixed
date, bumped with releases), so `make man` on a clean tree changes nothing
and tests/test_manpages.py can tell when the committed pages are stale.

A command listed in COMMANDS whose module is missing is an error, not a
page silently left out.
"""

import argparse
import datetime
import importlib
import os
import re
import sys

from . import __version__
from .commands import ALIASES, COMMANDS, SECTIONS, module_name

# 2026-11-27 00:00 UTC; used when SOURCE_DATE_EPOCH is not set.
DEFAULT_EPOCH = 1795737600
WIDTH = "80"
MANUAL = "git-gto Manual"
SOURCE = f"git-gto {__version__}"

EXIT_STATUS = r"""
.TP
.B 0
Success; also a query that matches nothing.
.TP
.B 1
An error (printed on standard error as one line).
.TP
.B 2
A usage error: an unknown option, a missing argument or conflicting output flags.
""".strip("\n")

# `which` and `latest` answer one value for scripts: none is a failure.
ANSWER_EXIT_STATUS = r"""
.TP
.B 0
The answer is printed.
.TP
.B 1
There is no answer (nothing is printed on standard output), or an error (printed on standard error as one line).
.TP
.B 2
A usage error: an unknown option, a missing argument or conflicting output flags.
""".strip("\n")

EXIT_STATUSES = {
    "which": ANSWER_EXIT_STATUS,
    "latest": ANSWER_EXIT_STATUS,
    "status": r"""
.TP
.B 0
The local and the remote GTO tags are in sync.
.TP
.B 1
They differ, or an error (printed on standard error as one line).
.TP
.B 2
A usage error: an unknown option or a missing argument.
""".strip("\n"),
    "verify": r"""
.TP
.B 0
Every checked event is allowed by the policy.
.TP
.B 1
A violation (one FAIL line per event), or an error.
.TP
.B 2
A usage error: an unknown option, or TAGs with \-\-all or \-\-stdin.
.TP
.B 3
Cannot check: the policy does not parse, its signers file is missing, or a TAG is not a GTO tag here.
""".strip("\n"),
}

# Used when a command's parser has no "examples:" epilog naming the command.
EXAMPLES = {
    "register": [
        "git gto register churn                   register the next version of churn at HEAD",
        "git gto register churn HEAD~1 --version v1.0.0",
        "git gto register churn --bump-minor --dry-run",
    ],
    "assign": [
        "git gto assign churn --stage prod        assign the latest version to prod",
        "git gto assign churn v1.0.0 --stage staging",
        "git gto promote churn --stage prod       the same; promote is an alias",
    ],
    "deprecate": [
        "git gto deprecate churn                  deprecate the whole artifact",
        "git gto deprecate churn v1.0.0           deregister a version",
        "git gto deprecate churn v1.0.0 prod      unassign a stage",
    ],
    "unassign": [
        "git gto unassign churn v1.0.0 prod           unassign prod from v1.0.0 (tag churn#prod!#N)",
        "git gto unassign churn v1.0.0 prod --dry-run print the tag, create nothing",
    ],
    "deregister": [
        "git gto deregister churn v1.0.0              deregister v1.0.0 (tag churn@v1.0.0!)",
        "git gto deregister churn v1.0.0 --dry-run    print the tag, create nothing",
    ],
    "annotate": ["git gto annotate churn --type model --path models/churn.pkl"],
    "remove": ["git gto remove churn"],
    "status": ["git gto status", "git gto status --remote upstream"],
    "describe": ["git gto describe churn", "git gto describe churn --path"],
    "stages": ["git gto stages", "git gto stages --allowed"],
    "doctor": ["git gto doctor"],
    "check-ref": ["git gto check-ref 'churn#prod#2'", "git gto check-ref churn@v1.0.0 --json"],
}

TAG_FORMAT = r"""
git-gto keeps the registry in annotated git tags named as GTO 1.x names them;
a repository written by git-gto reads the same in GTO and the other way round.
.TP
.B NAME@vX.Y.Z
registers version vX.Y.Z (a SemVer 2.0 version with a leading v) of artifact NAME.
.TP
.B NAME@vX.Y.Z!
deregisters that version.
.TP
.BI NAME#STAGE# N
assigns STAGE to the version registered on the tagged commit; N is a counter,
one more than the number of tags of NAME (lightweight ones included).
.TP
.BI NAME#STAGE!# N
unassigns STAGE from that version.
.TP
.B NAME#STAGE
a simple-notation assignment, without a counter (see \fB\-\-simple\fR).
.TP
.B NAME@deprecated
deprecates the whole artifact.
.TP
.B dir:name
An artifact kept in a sub-directory is written \fBdir:name\fR on the command line
and \fBdir=name\fR in tag names, because ':' is not allowed in a git ref.
.PP
NAME and STAGE are made of letters, numbers, '_', '\-' and '/', and start and end
with a letter or a number. Only annotated tags count for the registry state.
Events are ordered by tagger date, then counter, then tag name.
On the command line, \fBNAME@latest\fR, \fBNAME@greatest\fR, \fBNAME@vX.Y.Z\fR and
\fBNAME#STAGE\fR select a version.
""".strip("\n")

CONFIGURATION = r"""
A YAML file \fI.gto\fR at the root of the working tree, loaded with the safe loader:
.TP
.B types
list of allowed artifact types (empty or absent: any valid name).
.TP
.B stages
list of allowed stages (empty or absent: any valid name).
.TP
.B emojis
true (default) or false: whether messages carry emojis.
.PP
Annotations live in \fIartifacts.yaml\fR at the repository root (edited by
\fBgit gto annotate\fR and \fBgit gto remove\fR); artifacts declared in a
\fIdvc.yaml\fR \fBartifacts:\fR section are read too. A broken annotation file never
stops a registry read: \fBshow\fR warns and answers from the tags, \fBdoctor\fR reports it,
\fBdescribe\fR, \fBannotate\fR and \fBremove\fR refuse.
.PP
All three files are YAML read with one loader: safe tags only; a key given twice, nesting
deeper than 64 levels, or a \fI.gto\fR that is not a regular file is an error naming the file.
An error about an allowed value says where the list came from (\fI.gto\fR or \fBGTO_STAGES\fR).
""".strip("\n")

ENVIRONMENT = r"""
.TP
.B GTO_TYPES, GTO_STAGES
override \fBtypes\fR and \fBstages\fR of \fI.gto\fR; a JSON list, e.g. \fB'["dev", "prod"]'\fR.
.TP
.B GTO_EMOJIS
override \fBemojis\fR (true/false).
.TP
.B GTO_LOG_LEVEL
log level (default INFO).
.TP
.B GTO_NO_CACHE
1: do not use the registry cache kept in \fI$(git rev\-parse \-\-git\-common\-dir)/gto/\fR
(whole\-registry reads reuse what earlier runs computed; it never changes the output).
.TP
.B GIT_DIR, GIT_WORK_TREE
honoured as git honours them, so \fBgit \-C\fR \fIdir\fR \fBgto ...\fR works.
.TP
.B MANPATH
where \fB\-\-help\fR looks for the manual pages. A checkout's \fIman/man1/\fR is searched first; with the
checkout's \fIbin/\fR on \fBPATH\fR, man(1) finds its \fIman/\fR by itself (so \fBgit gto \-\-help\fR and
\fBgit help gto\fR work without installing).
""".strip("\n")


def _m(text):
    """Escape text for troff (as argparse-manpage does)."""
    return text.replace("\\", "\\\\").replace("-", "\\-")


def _line(text):
    """A literal line: guard a leading control character."""
    text = _m(text)
    return "\\&" + text if text[:1] in (".", "'") else text


def _literal_block(lines):
    return "\n".join([".RS 4", ".nf"] + [_line(x) for x in lines] + [".fi", ".RE"])


def _split_epilog(epilog):
    """(text before "examples:", [example lines]) of an argparse epilog."""
    if not epilog:
        return "", []
    lines = epilog.strip("\n").splitlines()
    at = next((i for i, x in enumerate(lines) if x.strip().lower() == "examples:"), len(lines))
    body = lines[at + 1:]
    indent = min((len(x) - len(x.lstrip()) for x in body if x.strip()), default=0)
    return "\n".join(lines[:at]).strip(), [x[indent:].rstrip() for x in body]


def _synopsis(parser, prog):
    usage = parser.format_usage().split(":", 1)[-1].split()
    words = prog.split()
    assert usage[:len(words)] == words, (usage, prog)
    return ".B {}\n{}".format(_m(prog), _m(" ".join(usage[len(words):])))


def _see_also(command):
    pages = ["git-gto(1)"]
    if command in ("deprecate", "unassign", "deregister"):
        pages += [f"git-gto-{c}(1)" for c in ("deprecate", "unassign", "deregister") if c != command]
    if command in ("annotate", "remove", "describe"):
        pages += [f"git-gto-{c}(1)" for c in ("annotate", "remove", "describe") if c != command]
    if command in ("show", "history"):
        pages += [f"git-gto-{c}(1)" for c in ("show", "history") if c != command]
    if command in ("show", "which", "latest"):
        pages += [f"git-gto-{c}(1)" for c in ("show", "which", "latest") if c != command]
    pages += ["git-tag(1)"]
    return ",\n".join(rf"\fB{p[:-3]}\fR(1)".replace("-", "\\-") for p in pages)


def _date():
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_EPOCH))
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%d")


def _page(parser, name, summary, description, sections):
    """Render a page; `sections` is [(heading, troff)], shown after the options."""
    from argparse_manpage.manpage import Manpage

    parser.epilog = None
    parser.description = None
    for group in parser._action_groups:  # argparse-manpage leaves this one untitled
        if group.title == "positional arguments":
            group.title = "arguments"
    page = Manpage(parser)
    page.prog = name  # NAME line and .TH title: git-gto-show, as whatis expects
    page.description = summary
    page.date = _date()
    page.source = SOURCE
    page.manual = MANUAL
    page.section = 1
    page.add_section("synopsis", "=", sections.pop(0)[1])
    page.add_section("description", "=", description)
    for heading, content in sections:
        page.add_section(heading, "=", content)
    head, rest = str(page).split("\n", 1)
    return head + "\n.nh\n.ad l\n" + rest  # no hyphenation, ragged right (as git's pages)


def command_page(command):
    try:
        module = importlib.import_module(module_name(command))
    except ImportError as exc:
        raise SystemExit(f"gitgto.manpages: command '{command}' is listed in COMMANDS "
                         f"but its module cannot be imported: {exc}")
    parser = module.build_parser()
    summary = COMMANDS[command][0]
    notes, examples = _split_epilog(parser.epilog)
    # A parser shared with another command (unassign, deregister) has that one's examples.
    names = [command] + [a for a, target in ALIASES.items() if target == command]
    if not any(f"git gto {n}" in x for x in examples for n in names):
        examples = EXAMPLES.get(command)
    if not examples:
        raise SystemExit(f"gitgto.manpages: no examples for '{command}': give its parser an "
                         f"'examples:' epilog or add it to EXAMPLES")
    description = _m(parser.description or summary)
    if notes:
        description += "\n.PP\n" + _m(notes)
    aliases = sorted(a for a, target in ALIASES.items() if target == command)
    for alias in aliases:
        description += "\n.PP\n" + r"\fB{}\fR is an alias of \fB{}\fR.".format(
            _m(f"git gto {alias}"), _m(f"git gto {command}"))
    sections = [
        ("synopsis", _synopsis(parser, f"git gto {command}")),
        ("examples", _literal_block(examples)),
        ("exit status", EXIT_STATUSES.get(command, EXIT_STATUS)),
        ("see also", _see_also(command)),
    ]
    return _page(parser, f"git-gto-{command}", summary, description, sections)


def overview_parser():
    p = argparse.ArgumentParser(prog="git gto", add_help=False)
    p.add_argument("--version", action="store_true", help="print the git-gto version and exit")
    p.add_argument("-h", action="store_true", help="print the list of commands and exit")
    p.add_argument("command", metavar="<command>",
                   help="a command below; help [COMMAND] for a manual page (as git help does); "
                        "or NAME to run an extension git-gto-NAME found on PATH")
    p.add_argument("args", nargs=argparse.REMAINDER, metavar="<args>",
                   help="the command's arguments; every command takes -h (short help), "
                        "--help (its manual page), -r/--repo and --traceback; options are never "
                        "abbreviated")
    return p


def overview_page():
    parser = overview_parser()
    commands = []
    for section, title in SECTIONS.items():
        commands.append(".SS " + _m(title))
        for name, (summary, where) in COMMANDS.items():
            if where != section:
                continue
            commands.append(".TP")
            commands.append(r"\fBgit gto {}\fR".format(_m(name)) + "".join(
                r", \fBgit gto {}\fR".format(_m(a)) for a, t in sorted(ALIASES.items()) if t == name))
            commands.append(_m(summary) + r"; see \fBgit\-gto\-{}\fR(1).".format(_m(name)))
    description = (
        "git-gto is Git Tag Ops (GTO) as native git plugins: an artifact registry kept in "
        "git tags. Artifacts (models, data sets, anything) get versions registered on commits "
        "and stages (such as staging or prod) assigned to versions, each an annotated tag. "
        "Git runs git-gto for git gto ..., and git-gto runs the command; each command is "
        "also installed as git-gto-<command>.")
    see_also = ",\n".join(r"\fBgit\-gto\-{}\fR(1)".format(_m(c)) for c in COMMANDS)
    sections = [
        ("synopsis", ".B git gto\n" + _m("[--version] [-h | --help] <command> [<args>]")),
        ("commands", "\n".join(commands)),
        ("tag format", TAG_FORMAT),
        ("configuration", CONFIGURATION),
        ("environment", ENVIRONMENT),
        ("exit status", EXIT_STATUS),
        ("see also", see_also + ",\n" + r"\fBgit\-tag\fR(1), \fBgit\fR(1)"),
    ]
    return _page(parser, "git-gto", "Git Tag Ops: an artifact registry in git tags",
                 _m(description), sections)


def pages():
    """{file name: content} of every page."""
    os.environ["COLUMNS"] = WIDTH  # argparse wraps usage and help at the terminal width
    os.environ.pop("LINES", None)
    result = {"git-gto.1": overview_page()}
    for command in COMMANDS:
        result[f"git-gto-{command}.1"] = command_page(command)
    return result


def write(outdir):
    os.makedirs(outdir, exist_ok=True)
    written = []
    for name, text in pages().items():
        path = os.path.join(outdir, name)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
        written.append(path)
    return written


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    # man/man1/: the layout man(1) expects, so that a checkout's man/ is found
    # from bin/ on PATH (man-db adds ../man of every PATH entry).
    default = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "man", "man1")
    outdir = argv[0] if argv else default
    stale = set(f for f in os.listdir(outdir) if re.match(r"git-gto.*\.1$", f)) if os.path.isdir(outdir) else set()
    for path in write(outdir):
        stale.discard(os.path.basename(path))
        print(path)
    for name in sorted(stale):  # a page of a command that no longer exists
        os.remove(os.path.join(outdir, name))
        print("removed", os.path.join(outdir, name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
