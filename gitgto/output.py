"""Everything a command prints: tables (prettytable, imported only when a
table is drawn), --plain rows, JSON, bare values and messages."""

import datetime
import json
import shlex
import sys

from .config import emojis_from_env

EMOJI_OK = "✅ "
EMOJI_FAIL = "❌ "
EMOJI_GTO = "🪴 "
EMOJI_HINT = "💡 "
NOTHING_FOUND = "Nothing found in the current workspace"

# Overridden by a command once the repository's configuration is known.
# stdout: False while the Python API runs without stdout=True (it prints
# nothing; warnings go to the `gitgto` logger instead of stderr).
settings = {"emojis": emojis_from_env(), "stdout": True}


def emoji(symbol):
    return symbol if settings["emojis"] else ""


def echo(text="", file=None):
    if file is None and not settings["stdout"]:
        return
    (file or sys.stdout).write(text + "\n")


MAX_ERROR = 1000  # characters: a 10,000-character value is not echoed whole


def one_line(message):
    """An error is one line: control characters (a newline in a value the
    user typed) are shown escaped, and an overlong message is cut in the middle."""
    text = "".join(c if c >= " " and c != "\x7f" else c.encode("unicode_escape").decode("ascii")
                   for c in message.strip())
    if len(text) > MAX_ERROR:
        half = MAX_ERROR // 2 - 3
        text = text[:half] + " ... " + text[-half:]
    return text


def error(message):
    sys.stderr.write(emoji(EMOJI_FAIL) + one_line(message) + "\n")


def warn(message):
    if not settings["stdout"]:
        import logging

        logging.getLogger("gitgto").warning(message)
        return
    sys.stderr.write("warning: " + message + "\n")


def short_sha(value):
    """40-hex values (commits, unnamed versions) shortened to 7 characters."""
    if isinstance(value, str) and len(value) == 40 and all(c in "0123456789abcdef" for c in value):
        return value[:7]
    return value


def _tzinfo(tz):
    sign = -1 if tz[0] == "-" else 1
    try:
        minutes = int(tz[1:3]) * 60 + int(tz[3:5])
    except ValueError:
        minutes = 0
    if minutes >= 24 * 60:
        minutes = 0
    return datetime.timezone(datetime.timedelta(minutes=sign * minutes))


def when(timestamp, tz):
    """An aware datetime in the writer's own offset (GTO 1.x)."""
    zone = _tzinfo(tz)
    try:
        return datetime.datetime.fromtimestamp(timestamp, zone)
    except (OverflowError, OSError, ValueError):
        return datetime.datetime(1970, 1, 1, tzinfo=zone)


def table_time(timestamp, tz):
    return str(when(timestamp, tz))


def iso_time(timestamp, tz):
    return when(timestamp, tz).isoformat()


# The look of GTO's tables (tabulate's "fancy_outline"), in prettytable's terms.
FANCY_OUTLINE = {
    "horizontal_char": "═", "vertical_char": "│", "junction_char": "╪",
    "top_junction_char": "╤", "bottom_junction_char": "╧",
    "left_junction_char": "╞", "right_junction_char": "╡",
    "top_left_junction_char": "╒", "top_right_junction_char": "╕",
    "bottom_left_junction_char": "╘", "bottom_right_junction_char": "╛",
}


def table(header, rows, plain=False):
    """Print rows in GTO's columns: a bordered table, or with --plain one
    row a line, tab-separated, header first (no rows: the header alone;
    --plain is for scripts, never prose)."""
    if not rows and not plain:
        echo(NOTHING_FOUND)
        return
    cells = [["-" if c is None else str(c) for c in row] for row in rows]
    if plain:
        for row in [header] + cells:
            echo("\t".join(row))
        return
    from prettytable import PrettyTable

    t = PrettyTable(header)
    t.align = "l"
    for attribute, char in FANCY_OUTLINE.items():
        setattr(t, attribute, char)
    t.add_rows(cells)
    echo(t.get_string())


def print_json(data):
    echo(json.dumps(data, indent=4))


def values(items):
    """--ref/--version/... : bare values, one a line; None prints nothing."""
    for item in items:
        if item is not None and item != "":
            echo(str(item))


def push_hint(tag, delete=False, remote="origin"):
    verb = f"git push --delete {shlex.quote(remote)}" if delete else f"git push {shlex.quote(remote)}"
    echo("To push the changes upstream, run:")
    echo(f"    {verb} {shlex.quote(tag)}")
