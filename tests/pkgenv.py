"""Shared helpers of the packaging tests (test_manpages, test_help,
test_install, test_integrity): the checkout's layout and a hermetic
environment for git and git-gto. Kept apart from conftest.py on purpose."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / "bin"
MAN = ROOT / "man" / "man1"  # a MANPATH-shaped layout: PATH=bin/ finds ../man
COMPLETIONS = {
    "bash": ROOT / "completions" / "git-gto",
    "zsh": ROOT / "completions" / "_git-gto",
    "fish": ROOT / "completions" / "git-gto.fish",
}
GIT = shutil.which("git")
MAN_PROGRAM = shutil.which("man")
DATE = "2024-01-02T03:04:05+00:00"


def commands():
    """Every `git-gto-<cmd>` in bin/, i.e. what gets installed."""
    return sorted(p.name[len("git-gto-"):] for p in BIN.glob("git-gto-*"))


def env(home, path=None, **extra):
    """os.environ without GIT_*/GTO_*/MAN*/PYTHON* leaks, a private HOME,
    fixed identity and dates; PATH defaults to bin/ + this python + PATH."""
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("GIT_", "GTO_", "MAN", "PYTHON")) and k not in ("PAGER", "MAKEFLAGS", "MFLAGS")}
    keep.update({
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": str(Path(home) / ".gitconfig"),
        "GIT_AUTHOR_NAME": "GTO Tester",
        "GIT_AUTHOR_EMAIL": "tester@example.com",
        "GIT_COMMITTER_NAME": "GTO Tester",
        "GIT_COMMITTER_EMAIL": "tester@example.com",
        "GIT_AUTHOR_DATE": DATE,
        "GIT_COMMITTER_DATE": DATE,
        "TZ": "UTC",
        "LC_ALL": "C.UTF-8",
        "PATH": path if path is not None else os.pathsep.join(
            [str(BIN), str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    })
    keep.update(extra)
    return keep


def run(args, env, cwd=None, check=True):
    proc = subprocess.run(args, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, stdin=subprocess.DEVNULL, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


def init_repo(path, env):
    run([GIT, "init", "-q", "-b", "main", str(path)], env)
    (Path(path) / "model.txt").write_text("1\n")
    run([GIT, "add", "model.txt"], env, cwd=path)
    run([GIT, "commit", "-q", "-m", "first"], env, cwd=path)
    return Path(path)
