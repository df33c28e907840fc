"""Smoke tests of the benchmark tools: the generator writes exactly the tags
git-gto writes, deterministically, and the runner produces its table."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # the package under test, wherever pytest is started

from gitgto.tags import (  # noqa: E402
    ASSIGNMENT, DEPRECATION, DEREGISTRATION, REGISTRATION, UNASSIGNMENT, parse_tag,
)

GENERATOR = os.path.join(ROOT, "benchmarks", "generate.py")
RUNNER = os.path.join(ROOT, "benchmarks", "run.py")
GIT_GTO = os.path.join(ROOT, "bin", "git-gto")

TINY = ["--artifacts", "3", "--versions", "3", "--assignments", "2", "--stages", "3",
        "--unrelated", "4", "--near-miss", "9", "--lightweight", "3", "--commits", "5"]
NONE = ["--unassign", "0", "--deregister", "0", "--deprecate", "0"]
EVERY = ["--unassign", "1", "--deregister", "1", "--deprecate", "1"]
MIXED = ["--unassign", "0.5", "--deregister", "0.3", "--deprecate", "0.5", "--dirnames", "0.5", "--simple", "0.3"]

# The default messages of reference §2.8, as `git tag -a -m` stores them.
MESSAGES = {
    REGISTRATION: "Registering artifact {a} version {v}\n",
    DEREGISTRATION: "Deregistering artifact {a} version {v}\n",
    ASSIGNMENT: "Assigning stage {s} to artifact {a} version {v}\n",
    UNASSIGNMENT: "Unassigning stage '{s}' to artifact '{a}' version '{v}'\n",
    DEPRECATION: "Deprecating artifact '{a}'\n",
}


@pytest.fixture(autouse=True)
def hermetic_git(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_CONFIG_GLOBAL"):
        monkeypatch.delenv(var, raising=False)
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Smoke Test")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "smoke@example.com")
        monkeypatch.setenv(f"GIT_{role}_DATE", "1700000000 +0000")


def generate(path, *args):
    subprocess.run([sys.executable, GENERATOR, str(path), *TINY, *args], check=True, capture_output=True)
    return path


def tags(repo):
    """[(name, objecttype, peeled commit, tagger timestamp, message)] of every tag."""
    fmt = "%(refname:strip=2)%00%(objecttype)%00%(*objectname)%00%(taggerdate:unix)%00%(contents)%00"
    out = subprocess.run(["git", "-C", str(repo), "for-each-ref", "--format=" + fmt, "refs/tags"],
                         capture_output=True, text=True, check=True).stdout
    fields = out.split("\0")
    rows = [fields[i:i + 5] for i in range(0, len(fields) - 1, 5)]
    return [(r[0].lstrip("\n"), r[1], r[2], int(r[3] or 0), r[4]) for r in rows]


def counts(repo):
    result = {}
    for name, otype, _, _, _ in tags(repo):
        parsed = parse_tag(name)
        kind = "non-gto" if parsed is None else parsed.kind if otype == "tag" else "lightweight"
        result[kind] = result.get(kind, 0) + 1
    return result


def test_counts_without_cancellations(tmp_path):
    repo = generate(tmp_path / "r", *NONE)
    assert counts(repo) == {REGISTRATION: 9, ASSIGNMENT: 18, "non-gto": 4 + 9, "lightweight": 3}


def test_counts_with_every_cancellation(tmp_path):
    repo = generate(tmp_path / "r", *EVERY)
    assert counts(repo) == {REGISTRATION: 9, ASSIGNMENT: 18, UNASSIGNMENT: 18, DEREGISTRATION: 9,
                            DEPRECATION: 3, "non-gto": 13, "lightweight": 3}


def test_tags_are_what_git_gto_writes(tmp_path):
    repo = generate(tmp_path / "r", *MIXED)
    events = sorted((t for t in tags(repo) if t[1] == "tag" and parse_tag(t[0])), key=lambda t: t[3])
    assert {parse_tag(t[0]).kind for t in events} == {REGISTRATION, ASSIGNMENT, UNASSIGNMENT, DEREGISTRATION,
                                                       DEPRECATION}
    assert any("=" in t[0] for t in events), "some dir:name artifacts"
    times = [t[3] for t in events]
    assert times == sorted(set(times)), "one event per tagger second, strictly increasing"
    version_at = {(parse_tag(n).artifact, c): parse_tag(n).version
                  for n, _, c, _, _ in events if parse_tag(n).kind == REGISTRATION}
    last_counter = {}
    for name, _, commit, _, message in events:
        tag = parse_tag(name)
        assert commit, f"{name} points at a commit"
        expected = MESSAGES[tag.kind].format(a=tag.artifact, s=tag.stage, v=version_at.get((tag.artifact, commit)))
        assert message == expected, name
        if tag.counter is not None:  # §2.6: 1 + the artifact's max counter so far
            assert tag.counter == last_counter.get(tag.artifact, 0) + 1, name
            last_counter[tag.artifact] = tag.counter


def test_same_parameters_same_repository(tmp_path):
    def refs(repo):
        return subprocess.run(["git", "-C", str(repo), "for-each-ref", "--format=%(refname) %(objectname)"],
                              capture_output=True, text=True, check=True).stdout

    first, second = generate(tmp_path / "a", *MIXED), generate(tmp_path / "b", *MIXED)
    assert refs(first) == refs(second) != ""
    assert refs(generate(tmp_path / "c", *MIXED, "--seed", "1")) != refs(first)


def test_refs_are_packed(tmp_path):
    repo = generate(tmp_path / "r")
    assert not os.listdir(repo / ".git" / "refs" / "tags")
    assert (repo / ".git" / "packed-refs").exists()


def run_bench(tmp_path, git_gto):
    res = subprocess.run([sys.executable, RUNNER, "--sizes", "tiny", "--repeat", "1", "--cache",
                          str(tmp_path / "cache"), "--git-gto", str(git_gto)],
                         capture_output=True, text=True, check=True)
    return res.stdout


def test_runner_table_with_a_stub(tmp_path):
    """The runner's own machinery, whatever state the real commands are in."""
    stub = tmp_path / "bin" / "git-gto"
    stub.parent.mkdir()
    stub.write_text('#!/bin/sh\ncase "$1" in\n'
                    '  register) exec git tag -a -m x "$2@v0.0.1" HEAD;;\n'
                    '  describe) exit 3;;\n'
                    '  *) exec git for-each-ref refs/tags >/dev/null;;\nesac\n')
    stub.chmod(0o755)
    out = run_bench(tmp_path, stub)
    assert "| command | median s | × refs-only | × for-each-ref | peak MiB | target | result |" in out
    assert "| floor: for-each-ref |" in out and "| floor: refs-only |" in out
    assert "| git gto show |" in out and "PASS" in out
    assert "| git gto show --json (cold: GTO_NO_CACHE=1) |" in out
    assert "| git gto show --json (warm after one new tag) |" in out
    assert "| git gto describe ART | — | — | — | — |  | exit 3 |" in out
    assert "| python: import gitgto.api; gitgto.api.show('.') | " in out  # the API row, against the warm show --json
    assert "| git gto page (warm) |" in out and "| git gto page (cold: GTO_NO_CACHE=1) |" in out
    repo = next(p for p in (tmp_path / "cache").iterdir() if p.name.startswith("tiny-"))
    assert not [t for t in tags(repo) if t[0].startswith(("bench-new-model", "bench-one-more"))], \
        "the tags runs create are deleted"


def test_runner_table_with_git_gto(tmp_path):
    if not os.access(GIT_GTO, os.X_OK):
        pytest.skip("bin/git-gto is not there yet (it lands on main)")
    out = run_bench(tmp_path, GIT_GTO)
    assert "| git gto show |" in out and "| git gto assign ART --version V --stage S |" in out


def test_page_target_is_relative_to_warm_show():
    """`make bench`: 43k tags render in at most 3x the warm `show --json`
    of the same run; --only page brings that row along."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_run", RUNNER)
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    floors = {"refs-only": run.Result("r", [0.01], [1024]), "for-each-ref": run.Result("f", [0.02], [1024])}
    done = {run.SHOW_WARM: run.Result("s", [0.1], [1024])}
    page = next(c for c in run.COMMANDS if c.key == "page (warm)")
    assert run.verdict(page.checks("large"), run.Result("p", [0.29], [1024]), floors, done) == \
        ("≤ 3× warm show --json", "PASS")
    assert run.verdict(page.checks("large"), run.Result("p", [0.31], [1024]), floors, done)[1] == "FAIL"
    assert [c.key for c in run.selected("page (warm)")] == [run.SHOW_WARM, "page (warm)"]
