"""The committed man pages are what `make man` (python -m gitgto.manpages)
generates from the parsers, one for git-gto and one for every command, and
man(1) can render them."""

import re
import subprocess
import sys

import pytest

from pkgenv import BIN, MAN, MAN_PROGRAM, ROOT, commands, env, run

sys.path.insert(0, str(ROOT))
from gitgto.commands import ALIASES, COMMANDS  # noqa: E402


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("man")
    e = env(tmp_path_factory.mktemp("home"), PYTHONPATH=str(ROOT))
    e.pop("SOURCE_DATE_EPOCH", None)
    run([sys.executable, "-m", "gitgto.manpages", str(out)], e, cwd=ROOT)
    return out


def pages():
    return ["git-gto.1"] + [f"git-gto-{c}.1" for c in commands()]


def test_bin_matches_commands():
    # A command without its git-gto-<cmd> link (or the other way round) must fail here,
    # not be skipped by the generator or by make install.
    assert commands() == sorted(COMMANDS)
    assert (BIN / "git-gto").is_file()


def test_committed_pages_are_fresh(generated):
    fresh = sorted(p.name for p in generated.iterdir())
    committed = sorted(p.name for p in MAN.glob("*.1"))
    assert fresh == sorted(pages())
    assert committed == fresh, "run `make man` and commit man/"
    stale = [name for name in fresh if (MAN / name).read_text() != (generated / name).read_text()]
    assert not stale, f"stale man pages (run `make man` and commit man/): {stale}"


def test_generation_is_reproducible(generated, tmp_path):
    e = env(tmp_path, PYTHONPATH=str(ROOT), COLUMNS="200")
    run([sys.executable, "-m", "gitgto.manpages", str(tmp_path / "again")], e, cwd=ROOT)
    for name in pages():
        assert (tmp_path / "again" / name).read_text() == (generated / name).read_text(), name


@pytest.mark.parametrize("command", commands())
def test_command_page(command):
    text = (MAN / f"git-gto-{command}.1").read_text()
    title = f"GIT\\-GTO\\-{command.upper().replace('-', chr(92) + '-')}"
    assert text.startswith(f'.TH {title} "1" ')
    name = text.split(".SH NAME\n", 1)[1].split("\n", 1)[0]
    assert name.startswith(f"git\\-gto\\-{command.replace('-', chr(92) + '-')} \\- ")
    synopsis = text.split(".SH SYNOPSIS\n", 1)[1].split(".SH ", 1)[0]
    assert synopsis.startswith(f".B git gto {command.replace('-', chr(92) + '-')}\n")
    assert "git\\-gto\\-" not in synopsis
    for section in ("DESCRIPTION", "OPTIONS", "EXAMPLES", "EXIT STATUS", "SEE ALSO"):
        assert f"\n.SH {section}\n" in text, section
    examples = text.split(".SH EXAMPLES\n", 1)[1].split(".SH ", 1)[0]
    assert f"git gto {command.replace('-', chr(92) + '-')}" in examples or command == "assign"
    assert "\\-\\-repo" in text and "\\-\\-traceback" in text


def test_alias_is_in_its_command_page():
    for alias, target in ALIASES.items():
        assert f"git gto {alias}" in (MAN / f"git-gto-{target}.1").read_text()
        assert not (MAN / f"git-gto-{alias}.1").exists()


def test_overview_page():
    text = (MAN / "git-gto.1").read_text()
    for section in ("NAME", "SYNOPSIS", "COMMANDS", "TAG FORMAT", "CONFIGURATION",
                    "ENVIRONMENT", "EXIT STATUS", "SEE ALSO"):
        assert f"\n.SH {section}\n" in text, section
    for command in commands():
        escaped = command.replace("-", "\\-")
        assert f"\\fBgit gto {escaped}\\fR" in text
        assert f"\\fBgit\\-gto\\-{escaped}\\fR(1)" in text
    for form in ("NAME@vX.Y.Z", "NAME@vX.Y.Z!", "NAME#STAGE#", "NAME#STAGE!#", "NAME@deprecated",
                 "dir:name", "dir=name", "GTO_TYPES", "GTO_STAGES", "GTO_EMOJIS", "GTO_LOG_LEVEL"):
        assert form in text, form


@pytest.mark.skipif(MAN_PROGRAM is None, reason="man(1) is not installed (apt-get install man-db)")
@pytest.mark.parametrize("page", pages())
def test_man_renders(page, tmp_path):
    e = env(tmp_path, MANWIDTH="100", MANPAGER="cat", PAGER="cat")
    proc = run([MAN_PROGRAM, "-l", str(MAN / page)], e)
    rendered = re.sub(r".\x08", "", proc.stdout)
    assert "SYNOPSIS" in rendered
    command = page[len("git-gto-"):-2] if page != "git-gto.1" else None
    synopsis = rendered.split("SYNOPSIS", 1)[1].split("DESCRIPTION", 1)[0]
    assert ("git gto " + command if command else "git gto [--version]") in synopsis
    warnings = run([MAN_PROGRAM, "--warnings", "-l", "-Tutf8", "-Z", str(MAN / page)], e, check=False)
    assert "warning" not in warnings.stderr, warnings.stderr
