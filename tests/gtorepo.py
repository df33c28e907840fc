"""A hermetic git repository for the write-side tests.

`GtoRepo` gives every test its own HOME, an empty global git config, no
system config, fixed author/committer identities, TZ=UTC and explicit,
strictly increasing commit/tag dates (advanced by `tick()`, never by
sleeping). `gto(...)` runs the real `git gto ...` in a subprocess with an
argument list; `bin/` of this checkout and the interpreter running the tests
come first on PATH."""

import subprocess
from pathlib import Path

from conftest import Result, hermetic_env

START = 1_700_000_000  # 2023-11-14T22:13:20Z

NAME, EMAIL = "Test Committer", "committer@example.invalid"
AUTHOR, AUTHOR_EMAIL = "Test Author", "author@example.invalid"


def base_env(home):
    """The environment every git and git-gto process of a test runs with:
    the shared hermetic one, with distinct author and committer identities
    (so that a test can tell which one a tag records)."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    return hermetic_env(home, {
        "GIT_AUTHOR_NAME": AUTHOR,
        "GIT_AUTHOR_EMAIL": AUTHOR_EMAIL,
        "GIT_COMMITTER_NAME": NAME,
        "GIT_COMMITTER_EMAIL": EMAIL,
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GIT_TERMINAL_PROMPT": "0",
        "PYTHONIOENCODING": "utf-8",
    })


class GtoRepo:
    def __init__(self, tmp_path, name="repo", init=True, bare=False):
        tmp_path = Path(tmp_path)
        self.path = tmp_path / name
        self.env = base_env(tmp_path / "home")
        self.now = START
        self._set_date()
        if init:
            self.path.mkdir(parents=True, exist_ok=True)
            self.git("init", "-q", "-b", "main", *(["--bare"] if bare else []))

    def copy(self, tmp_path, name="repo"):
        """A copy of this repository (and of its clock) under `tmp_path`:
        build an expensive history once, use it in many tests."""
        import shutil

        other = GtoRepo(tmp_path, name, init=False)
        shutil.copytree(str(self.path), str(other.path), symlinks=True)
        other.now = self.now
        other._set_date()
        return other

    # -- time ------------------------------------------------------------------

    def _set_date(self):
        stamp = f"@{self.now} +0000"
        self.env["GIT_COMMITTER_DATE"] = stamp
        self.env["GIT_AUTHOR_DATE"] = stamp

    def tick(self, seconds=1):
        self.now += seconds
        self._set_date()
        return self.now

    # -- git -------------------------------------------------------------------

    def run(self, args, check=True, env=None, cwd=None, input=None):
        full_env = dict(self.env, **(env or {}))
        proc = subprocess.run(args, cwd=str(cwd or self.path), env=full_env, input=input,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, encoding="utf-8", errors="surrogateescape")
        res = Result(args, proc)
        if check and res.code != 0:
            raise AssertionError(f"command failed: {res!r}")
        return res

    def git(self, *args, check=True, env=None, input=None):
        return self.run(["git", *args], check=check, env=env, input=input).out

    def commit(self, msg="commit", files=None):
        """Commit `files` ({path: text}; default: a file that changes every
        time) and return the new commit's sha. Advances the clock first."""
        self.tick()
        if files is None:
            files = {"file.txt": f"{msg} {self.now}\n"}
        for rel, text in files.items():
            p = self.path / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
            self.git("add", "--", rel)
        self.git("commit", "-q", "--allow-empty", "-m", msg)
        return self.sha("HEAD")

    def sha(self, ref="HEAD"):
        return self.git("rev-parse", "--verify", ref + "^{commit}").strip()

    def tag(self, name, ref="HEAD", message=None, lightweight=False):
        """A tag as the original gto (or a user) writes it: plain `git tag -a`."""
        self.tick()
        if lightweight:
            self.git("tag", name, ref)
        else:
            self.git("tag", "-a", name, "-m", message or name, ref)

    def tags(self):
        out = self.git("tag", "-l")
        return sorted(out.split())

    def refs(self):
        """Every ref with its object: a snapshot for "nothing changed"."""
        return self.git("for-each-ref", "--format=%(refname) %(objectname)")

    def snapshot(self):
        """Refs, work-tree status and artifacts.yaml bytes."""
        idx = self.path / "artifacts.yaml"
        return (self.refs(), self.git("status", "--porcelain", "--ignored"),
                idx.read_bytes() if idx.exists() else None)

    # -- git gto ---------------------------------------------------------------

    def gto(self, *args, check=True, env=None, cwd=None):
        """Run `git gto ARGS...`; check=True asserts exit 0; check=False
        returns whatever happened; check=<int> asserts that exit code."""
        res = self.run(["git", "gto", *args], check=False, env=env, cwd=cwd)
        expected = 0 if check is True else check
        if check is not False and res.code != expected:
            raise AssertionError(f"expected exit {expected}: {res!r}")
        if "Traceback" in res.err:
            raise AssertionError(f"traceback printed: {res!r}")
        return res

    def tag_message(self, name):
        return self.git("for-each-ref", "--format=%(contents)", "refs/tags/" + name)

    def tag_info(self, name):
        """(objecttype, taggername, taggeremail, taggerdate:raw, peeled commit)."""
        fmt = "%(objecttype)%00%(taggername)%00%(taggeremail)%00%(taggerdate:raw)%00%(*objectname)"
        return tuple(self.git("for-each-ref", "--format=" + fmt, "refs/tags/" + name).rstrip("\n").split("\0"))
