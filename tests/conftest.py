"""The hermetic harness for git-gto tests.

    def test_x(repo):
        repo.commit("first", {"model.pkl": "1"})
        repo.tag("rf@v1.0.0")                 # as the original GTO would write it
        res = repo.gto("show", "--plain")     # the real `git gto` executable
        assert res.out.splitlines()[1] == "rf\tv1.0.0"

Every git and git-gto call runs with a private HOME and global config, no
system config, fixed identities, TZ=UTC and an explicit date from `repo.clock`,
which moves one second forward before each commit and tag (never sleeps).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / "bin"
PYTHON_BIN = Path(sys.executable).parent
EPOCH = 1_700_000_000  # 2023-11-14 22:13:20 UTC

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class Result:
    def __init__(self, args, proc):
        self.args = args
        self.out = proc.stdout
        self.err = proc.stderr
        self.code = proc.returncode

    @property
    def lines(self):
        return self.out.splitlines()

    @property
    def err_lines(self):
        return self.err.splitlines()

    def __repr__(self):
        return f"Result({self.args!r}, code={self.code}, out={self.out!r}, err={self.err!r})"


class Clock:
    """Seconds since the epoch; `tick()` moves forward and returns the new time."""

    def __init__(self, start=EPOCH):
        self.now = start

    def tick(self, seconds=1):
        self.now += seconds
        return self.now


def git_date(when):
    """An int (Unix time, UTC) or a string git understands (`2024-01-01T10:00:00+02:00`)."""
    return f"@{when} +0000" if isinstance(when, int) else when


def hermetic_env(home, extra=None):
    """os.environ without GIT_*/GTO_* leaks, plus the fixed test identity."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GTO_"))}
    config = Path(home) / ".gitconfig"
    if not config.exists():
        config.write_text("[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n")
    env.update({
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": str(config),
        "GIT_AUTHOR_NAME": "GTO Tester",
        "GIT_AUTHOR_EMAIL": "tester@example.com",
        "GIT_COMMITTER_NAME": "GTO Tester",
        "GIT_COMMITTER_EMAIL": "tester@example.com",
        "TZ": "UTC",
        "LC_ALL": "C.UTF-8",
        "PATH": os.pathsep.join([str(BIN), str(PYTHON_BIN), os.environ.get("PATH", "")]),
    })
    env.update(extra or {})
    return env


class Repo:
    """A temporary repository and the tools to fill it and run git-gto in it."""

    def __init__(self, path, env, clock, bare=False):
        self.path = Path(path)
        self.env = env
        self.clock = clock
        self.path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", *(["--bare"] if bare else []))

    def tick(self, seconds=1):
        return self.clock.tick(seconds)

    def _env(self, when=None, env=None):
        e = dict(self.env)
        if when is not None:
            e["GIT_AUTHOR_DATE"] = e["GIT_COMMITTER_DATE"] = git_date(when)
        e.update(env or {})
        return e

    def git(self, *args, when=None, cwd=None, env=None, check=True, input=None):
        """Run git; returns stdout without the trailing newline."""
        proc = subprocess.run(["git", *args], cwd=cwd or self.path, env=self._env(when, env),
                              capture_output=True, text=True, input=input)
        if check and proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout.rstrip("\n")

    def write(self, relpath, text):
        p = self.path / relpath
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        return p

    def commit(self, msg="commit", files=None, date=None):
        """Write `files` ({path: text}), commit everything; returns the sha."""
        for relpath, text in (files or {}).items():
            self.write(relpath, text)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", msg, when=self.tick() if date is None else date)
        return self.git("rev-parse", "HEAD")

    def tag(self, name, ref="HEAD", message=None, lightweight=False, date=None):
        """Create a tag the way GTO does (`git tag -a`), at the next clock tick."""
        if lightweight:
            self.git("tag", name, ref)
        else:
            when = self.tick() if date is None else date
            self.git("tag", "-a", name, "-m", message or default_message(name), ref, when=when)
        return name

    def sha(self, ref="HEAD"):
        return self.git("rev-parse", ref + "^{commit}")

    def gto(self, *args, check=True, cwd=None, env=None, expect=None):
        """Run `git gto ARGS` (a real subprocess, no shell). `check`: the exit
        code must be 0 (or `expect` when given)."""
        proc = subprocess.run(["git", "gto", *args], cwd=cwd or self.path, env=self._env(env=env),
                              capture_output=True, text=True)
        res = Result(args, proc)
        wanted = 0 if expect is None else expect
        if (check or expect is not None) and res.code != wanted:
            raise AssertionError(f"expected exit {wanted}: {res!r}")
        return res


def default_message(name):
    """The annotation GTO 1.x writes for a tag name (reference §2.8)."""
    from gitgto.tags import parse_tag

    tag = parse_tag(name)
    if tag is None:
        return f"tag {name}"
    messages = {
        "registration": "Registering artifact {a} version {v}",
        "deregistration": "Deregistering artifact {a} version {v}",
        "assignment": "Assigning stage {s} to artifact {a}",
        "unassignment": "Unassigning stage '{s}' to artifact '{a}'",
        "deprecation": "Deprecating artifact '{a}'",
    }
    return messages.get(tag.kind, "tag {n}").format(a=tag.artifact, v=tag.version, s=tag.stage, n=name)


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes tens of seconds (e.g. installs the original gto once)")


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def gitenv(tmp_path, clock):
    home = tmp_path / "home"
    home.mkdir()
    return hermetic_env(home)


@pytest.fixture
def make_repo(tmp_path, gitenv, clock):
    """Factory: make_repo("name", bare=False) -> Repo sharing env and clock."""

    def make(name="repo", bare=False):
        return Repo(tmp_path / name, gitenv, clock, bare=bare)

    return make


@pytest.fixture
def repo(make_repo):
    """An empty (no commits yet) non-bare repository."""
    return make_repo()


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """SSH keys of alice, bob, carol and mallory, made offline for the module (signing.py)."""
    from signing import make_keys

    return make_keys(tmp_path_factory.mktemp("keys"))
