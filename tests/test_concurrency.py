"""Eight `git gto` processes started together on one repository: no lost
update, no tag reported twice, no traceback; losers fail with exit 1 and a
one-line error; `git fsck` stays clean."""

import re
import subprocess

import pytest
import yaml

from gtorepo import GtoRepo

N = 8
CREATED = re.compile(r"^Created git tag '(.+)' that ")
DELETED = re.compile(r"^Deleted git tag '(.+)'$")


@pytest.fixture
def repo(tmp_path):
    r = GtoRepo(tmp_path)
    r.commit("init")
    return r


def race(r, argvs):
    """Start every `git gto ARGV` at once; return [(code, out, err)]."""
    procs = [subprocess.Popen(["git", "gto", *argv], cwd=str(r.path), env=r.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, encoding="utf-8") for argv in argvs]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        results.append((p.returncode, out, err))
    for code, out, err in results:
        assert "Traceback" not in err, err
        assert code in (0, 1), (code, out, err)
        if code == 0:
            assert err == "", err
        else:
            lines = err.splitlines()
            assert len(lines) == 1 and lines[0].startswith("❌ "), err
    return results


def reported(results, pattern=CREATED):
    names = [m.group(1) for _, out, _ in results for line in out.splitlines() for m in [pattern.match(line)] if m]
    assert len(names) == len(set(names)), f"a tag was reported twice: {names}"
    return names


def check_repo(r, created):
    tags = set(r.tags())
    assert set(created) <= tags
    fsck = r.run(["git", "fsck", "--no-dangling", "--no-progress"], check=False)
    assert fsck.code == 0 and fsck.out == "" and fsck.err == "", fsck
    for name in created:
        assert r.git("cat-file", "-t", name).strip() == "tag"


def test_assign_distinct_stages(repo):
    r = repo
    r.gto("register", "m", "--version", "v1.0.0")
    results = race(r, [["assign", "m", "--version", "v1.0.0", "--stage", f"s{i}"] for i in range(N)])
    assert [code for code, _, _ in results] == [0] * N
    created = reported(results)
    assert len(created) == N
    assert {t.split("#")[1] for t in created} == {f"s{i}" for i in range(N)}
    # Different stages make different tag names, so writers that read the
    # same max counter do not collide; counters are 1 + max at planning time.
    assert all(1 <= int(t.rsplit("#", 1)[1]) <= N for t in created)
    check_repo(r, created)
    after = r.gto("assign", "m", "--version", "v1.0.0", "--stage", "late").lines[0]
    top = max(int(t.rsplit("#", 1)[1]) for t in created)
    assert after == f"Created git tag 'm#late#{top + 1}' that assigns stage to version 'v1.0.0'"


@pytest.mark.parametrize("registered", [True, False])
def test_assign_same_stage_only_one_wins(repo, registered):
    r = repo
    if registered:
        r.gto("register", "m")
    results = race(r, [["assign", "m", "HEAD", "--stage", "prod"]] * N)
    created = reported(results)
    assignments = [t for t in created if "#prod" in t]
    assert len(assignments) == 1
    assert [t for t in r.tags() if "#" in t] == assignments
    assert [t for t in r.tags() if "@" in t] == ["m@v0.0.1"]
    # exit 0 exactly for the one process that made the assignment
    assert sorted(code for code, _, _ in results) == [0] + [1] * (N - 1)
    for code, out, err in results:
        if code == 1:
            assert err.startswith("❌ Version 'v0.0.1' is already in stage 'prod'."), err
            assert "#prod" not in out
    check_repo(r, created)


def test_register_auto_bump_on_different_commits(repo):
    r = repo
    for i in range(N - 1):
        r.commit(f"c{i}")
    results = race(r, [["register", "m", f"HEAD~{k}"] for k in range(N)])
    created = reported(results)
    for code, out, _ in results:
        assert code == 0 or not out  # a loser reports nothing it did not do
    if all(code == 0 for code, _, _ in results):
        assert sorted(created) == sorted(f"m@v0.0.{i}" for i in range(1, N + 1))
    check_repo(r, created)
    # every commit holds at most one version, every version one commit
    shas = [r.sha(t) for t in created]
    assert len(set(shas)) == len(shas)


def test_register_same_commit_only_one_wins(repo):
    r = repo
    results = race(r, [["register", "m"]] * N)
    created = reported(results)
    assert created == ["m@v0.0.1"]
    assert r.tags() == ["m@v0.0.1"]
    check_repo(r, created)


def test_unassign_distinct_stages(repo):
    r = repo
    r.gto("register", "m", "--version", "v1.0.0")
    for i in range(N):
        r.gto("assign", "m", "--version", "v1.0.0", "--stage", f"s{i}")
    r.tick()
    results = race(r, [["unassign", "m", "v1.0.0", f"s{i}"] for i in range(N)])
    assert [code for code, _, _ in results] == [0] * N
    created = reported(results)
    assert {t.split("#")[1] for t in created} == {f"s{i}!" for i in range(N)}
    assert all(N + 1 <= int(t.rsplit("#", 1)[1]) <= 2 * N for t in created)
    check_repo(r, created)
    import json
    assert json.loads(r.gto("show", "--json").out)["m"]["stage"] == {}


def test_deprecate_force_gets_distinct_counters(repo):
    r = repo
    r.gto("register", "m")
    results = race(r, [["deprecate", "m", "--force"]] * N)
    assert [code for code, _, _ in results] == [0] * N
    created = reported(results)
    assert sorted(created) == sorted(f"m@deprecated#{i}" for i in range(1, N + 1))
    check_repo(r, created)


def test_deprecate_only_one_wins(repo):
    r = repo
    r.gto("register", "m")
    r.tick()
    results = race(r, [["deprecate", "m"]] * N)
    created = reported(results)
    assert created == ["m@deprecated"]
    check_repo(r, created)


def test_deregister_distinct_versions(repo):
    r = repo
    for i in range(N):
        r.commit(f"c{i}")
        r.gto("register", "m")
    r.tick()
    results = race(r, [["deprecate", "m", f"v0.0.{i}"] for i in range(1, N + 1)])
    assert [code for code, _, _ in results] == [0] * N
    created = reported(results)
    assert sorted(created) == sorted(f"m@v0.0.{i}!" for i in range(1, N + 1))
    check_repo(r, created)


def test_delete_races(repo):
    r = repo
    r.gto("register", "m")
    r.tick()
    r.gto("assign", "m", "--stage", "prod")
    r.gto("register", "keep")
    results = race(r, [["deprecate", "m", "--delete"]] * N + [["deregister", "m", "v0.0.1", "--delete"]] * N)
    deleted = reported(results, DELETED)
    assert sorted(deleted) == ["m#prod#1", "m@v0.0.1"]
    assert r.tags() == ["keep@v0.0.1"]
    check_repo(r, [])


def test_annotate_no_lost_update(repo):
    r = repo
    results = race(r, [["annotate", f"a{i}", "--path", f"p{i}"] for i in range(N)])
    assert [code for code, _, _ in results] == [0] * N
    data = yaml.safe_load((r.path / "artifacts.yaml").read_text())
    assert data == {f"a{i}": {"path": f"p{i}"} for i in range(N)}
    assert [p.name for p in r.path.iterdir() if p.name.startswith("artifacts")] == ["artifacts.yaml"]


def test_annotate_and_remove_mixed(repo):
    r = repo
    for i in range(N):
        r.gto("annotate", f"old{i}")
    argvs = [["remove", f"old{i}"] for i in range(N)] + [["annotate", f"new{i}", "--label", "x"] for i in range(N)]
    results = race(r, argvs)
    assert [code for code, _, _ in results] == [0] * (2 * N)
    data = yaml.safe_load((r.path / "artifacts.yaml").read_text())
    assert data == {f"new{i}": {"labels": ["x"]} for i in range(N)}
