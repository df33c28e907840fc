"""Help the git way: `git gto --help` is git's `git help gto` (man git-gto),
`git gto <cmd> --help` execs man on git-gto-<cmd> (the checkout's man/ page
first) and falls back to the built-in help without man; `-h` is always the
built-in usage."""

import os
import re

import pytest

from pkgenv import BIN, GIT, MAN, MAN_PROGRAM, commands, env, init_repo, run

needs_man = pytest.mark.skipif(MAN_PROGRAM is None, reason="man(1) is not installed (apt-get install man-db)")


def plain(text):
    return re.sub(r".\x08", "", text)  # no overstrike bold/underline


@pytest.fixture
def repo(tmp_path):
    e = env(tmp_path)
    return init_repo(tmp_path / "repo", e), e


@pytest.fixture
def manpath(tmp_path):
    """A MANPATH entry (it needs a man1/ level) holding the checkout's pages."""
    root = tmp_path / "manpath"
    root.mkdir()
    os.symlink(MAN, root / "man1")
    return str(root)


def test_dash_h_is_builtin_usage(repo):
    path, e = repo
    out = run([GIT, "gto", "-h"], e, cwd=path).stdout
    assert out.startswith("usage: git gto ")
    for command in commands():
        assert f"   {command}" in out
    out = run([GIT, "gto", "show", "-h"], e, cwd=path).stdout
    assert out.startswith("usage: git gto show ")
    assert run([str(BIN / "git-gto-show"), "-h"], e, cwd=path).stdout == out


@pytest.mark.parametrize("command", commands())
def test_every_command_has_builtin_usage(command, repo):
    path, e = repo
    out = run([GIT, "gto", command, "-h"], e, cwd=path).stdout
    assert out.startswith(f"usage: git gto {command} ")
    assert "--help" in out


def test_no_command_prints_overview_and_fails(repo):
    path, e = repo
    proc = run([GIT, "gto"], e, cwd=path, check=False)
    assert proc.returncode == 1
    assert proc.stdout.startswith("usage: git gto ")


@needs_man
def test_git_help_opens_overview_page(repo, manpath):
    path, e = repo
    e.update(MANPATH=manpath, MANPAGER="cat", PAGER="cat", MANWIDTH="100")
    out = plain(run([GIT, "gto", "--help"], e, cwd=path).stdout)
    assert "GIT-GTO(1)" in out and "git-gto - Git Tag Ops" in out
    assert plain(run([GIT, "help", "gto"], e, cwd=path).stdout) == out


@needs_man
@pytest.mark.parametrize("command", commands())
def test_command_help_opens_its_page(command, repo):
    # No MANPATH at all: the checkout's man/ page is found by the dispatcher itself.
    path, e = repo
    e.update(MANPAGER="cat", PAGER="cat", MANWIDTH="100")
    out = plain(run([GIT, "gto", command, "--help"], e, cwd=path).stdout)
    assert f"GIT-GTO-{command.upper()}(1)" in out
    synopsis = out.split("SYNOPSIS", 1)[1].split("DESCRIPTION", 1)[0]
    assert f"git gto {command} " in synopsis


@needs_man
def test_help_through_alias_and_link(repo, manpath):
    path, e = repo
    e.update(MANPAGER="cat", PAGER="cat")
    assert "GIT-GTO-ASSIGN(1)" in plain(run([GIT, "gto", "promote", "--help"], e, cwd=path).stdout)
    # git itself turns `git gto-show --help` into `man git-gto-show`: MANPATH must hold it.
    e["MANPATH"] = manpath
    assert "GIT-GTO-SHOW(1)" in plain(run([GIT, "gto-show", "--help"], e, cwd=path).stdout)
    assert "GIT-GTO(1)" in plain(run([str(BIN / "git-gto"), "--help"], e, cwd=path).stdout)


def test_help_without_man_is_builtin(repo, tmp_path):
    """With no man on PATH, --help prints the built-in help and exits 0."""
    path, e = repo
    tools = tmp_path / "tools"
    tools.mkdir()
    import sys
    os.symlink(GIT, tools / "git")
    os.symlink(sys.executable, tools / "python3")
    e["PATH"] = os.pathsep.join([str(BIN), str(tools)])
    proc = run([str(BIN / "git-gto-show"), "--help"], e, cwd=path)
    assert proc.stdout.startswith("usage: git gto show ")
    proc = run([GIT, "gto", "history", "--help"], e, cwd=path)
    assert proc.stdout.startswith("usage: git gto history ")
    proc = run([str(BIN / "git-gto"), "--help"], e, cwd=path)
    assert proc.stdout.startswith("usage: git gto ")
