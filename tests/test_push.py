"""--push against a local bare `origin` (reference §5.9, §8.1): created and
deleted tags arrive on / disappear from the remote, one push per tag right
after it is made; nothing is pushed without --push; --remote; a rejected
push is a clear error that keeps the local tag and says so."""

import shlex

import pytest

from gtorepo import GtoRepo


@pytest.fixture
def pair(tmp_path):
    r = GtoRepo(tmp_path)
    r.commit("init")
    origin = GtoRepo(tmp_path, "origin.git", bare=True)
    r.git("remote", "add", "origin", str(origin.path))
    r.git("push", "-q", "origin", "main")
    return r, origin


def remote_tags(origin):
    """{tag: peeled commit} as `git ls-remote --tags` reports them."""
    out = origin.git("ls-remote", "--tags", str(origin.path))
    tags = {}
    for line in out.splitlines():
        oid, ref = line.split("\t")
        name = ref[len("refs/tags/"):]
        if name.endswith("^{}"):
            tags[name[:-3]] = oid
    return tags


def pushed(tag, along=""):
    """along: the registration a stage event's push carries (issue 17)."""
    return [f"Running `git push origin {along}{shlex.quote(tag)}`", f"Successfully pushed git tag {tag} on remote."]


def push_deleted(tag):
    return [f"Running `git push --delete origin {shlex.quote(tag)}`", f"Successfully deleted git tag {tag} on remote."]


def test_created_tags_arrive_one_push_per_tag(pair):
    r, origin = pair
    res = r.gto("assign", "m", "HEAD", "--stage", "prod", "--push")
    assert res.lines == (["Created git tag 'm@v0.0.1' that registers version"] + pushed("m@v0.0.1")
                         + ["Created git tag 'm#prod#1' that assigns stage to version 'v0.0.1'"] + pushed("m#prod#1"))
    assert res.err == ""
    assert remote_tags(origin) == {"m@v0.0.1": r.sha(), "m#prod#1": r.sha()}
    # the remote has the same annotated tag objects
    assert origin.git("rev-parse", "m@v0.0.1") == r.git("rev-parse", "m@v0.0.1")
    assert origin.git("cat-file", "-t", "m#prod#1").strip() == "tag"


@pytest.mark.parametrize("args, tag, what", [
    (["register", "m", "--version", "v2.0.0"], "m@v2.0.0", "registers version"),
    (["deregister", "m", "v1.0.0"], "m@v1.0.0!", "deregisters version"),
    (["unassign", "m", "v1.0.0", "prod"], "m#prod!#2", "unassigns stage from version 'v1.0.0'"),
    (["deprecate", "m"], "m@deprecated", "deprecates artifact"),
])
def test_every_write_command_pushes(pair, args, tag, what):
    r, origin = pair
    r.gto("register", "m", "--version", "v1.0.0", "--push")
    r.tick()
    r.gto("assign", "m", "--stage", "prod", "--push")
    r.tick()
    if args[0] == "register":
        r.commit("2")
    res = r.gto(*args, "--push")
    along = "m@v1.0.0 " if args[0] == "unassign" else ""
    assert res.lines == [f"Created git tag '{tag}' that {what}"] + pushed(tag, along)
    assert tag in remote_tags(origin)


def test_deleted_tags_disappear_from_the_remote(pair):
    r, origin = pair
    r.gto("register", "m", "--push")
    r.tick()
    r.gto("assign", "m", "--stage", "prod", "--push")
    r.gto("register", "model-2", "--push")
    res = r.gto("deprecate", "m", "--delete", "--push")
    assert res.lines == (["Deleted git tag 'm@v0.0.1'"] + push_deleted("m@v0.0.1")
                         + ["Deleted git tag 'm#prod#1'"] + push_deleted("m#prod#1"))
    assert remote_tags(origin) == {"model-2@v0.0.1": r.sha()}
    assert r.tags() == ["model-2@v0.0.1"]


def test_nothing_is_pushed_without_push(pair):
    r, origin = pair
    res = r.gto("assign", "m", "HEAD", "--stage", "prod")
    assert "Running" not in res.out
    assert remote_tags(origin) == {}
    r.gto("deprecate", "m", "--push", "--force")
    assert list(remote_tags(origin)) == ["m@deprecated#2"]
    r.gto("deprecate", "m", "v0.0.1", "prod", "--delete")
    assert r.tags() == ["m@deprecated#2", "m@v0.0.1"]


def test_remote_option(pair, tmp_path):
    r, origin = pair
    other = GtoRepo(tmp_path, "other.git", bare=True)
    r.git("remote", "add", "backup", str(other.path))
    res = r.gto("register", "m", "--push", "--remote", "backup")
    assert res.lines == ["Created git tag 'm@v0.0.1' that registers version",
                         "Running `git push backup m@v0.0.1`",
                         "Successfully pushed git tag m@v0.0.1 on remote."]
    assert list(remote_tags(other)) == ["m@v0.0.1"]
    assert remote_tags(origin) == {}


def test_push_to_a_missing_remote_fails_and_keeps_the_local_tag(pair):
    r, _ = pair
    res = r.gto("register", "m", "--push", "--remote", "nope", check=1)
    assert res.lines == ["Created git tag 'm@v0.0.1' that registers version", "Running `git push nope m@v0.0.1`"]
    assert len(res.err_lines) == 1 and res.err.startswith("❌ The command `git push nope m@v0.0.1` failed")
    assert "created locally: m@v0.0.1" in res.err
    assert "Traceback" not in res.err
    assert r.tags() == ["m@v0.0.1"]


def test_no_origin_at_all(tmp_path):
    r = GtoRepo(tmp_path)
    r.commit("init")
    res = r.gto("register", "m", "--push", check=1)
    assert res.err.startswith("❌ The command `git push origin m@v0.0.1` failed")
    assert r.tags() == ["m@v0.0.1"]


def test_rejected_push_takes_the_local_tag_back_and_says_so(pair, tmp_path):
    r, origin = pair
    # someone else already pushed a different m@v0.0.1
    other = GtoRepo(tmp_path, "clone", init=False)
    other.run(["git", "clone", "-q", str(origin.path), str(other.path)], cwd=tmp_path)
    other.commit("elsewhere")
    other.gto("register", "m", "--push")
    res = r.gto("register", "m", "--push", check=1)
    assert res.lines == ["Created git tag 'm@v0.0.1' that registers version", "Running `git push origin m@v0.0.1`"]
    assert res.err_lines[0].startswith("❌ The command `git push origin m@v0.0.1` failed")
    # (issue 17) the other writer's tag is there: ours is taken back, nothing diverges
    assert "another writer pushed m@v0.0.1 first. The local tag was removed" in res.err
    assert "git fetch origin refs/tags/m@v0.0.1:refs/tags/m@v0.0.1" in res.err
    assert len(res.err_lines) == 1
    assert "m@v0.0.1" not in r.git("tag").split()
    assert remote_tags(origin)["m@v0.0.1"] == other.sha()  # remote untouched


def test_failed_registration_push_stops_before_the_assignment(pair):
    r, origin = pair
    origin.git("config", "receive.denyCreates", "false")
    hook = origin.path / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'no tags today' >&2\nexit 1\n")
    hook.chmod(0o755)
    res = r.gto("assign", "m", "HEAD", "--stage", "prod", "--push", check=1)
    assert res.lines == ["Created git tag 'm@v0.0.1' that registers version", "Running `git push origin m@v0.0.1`"]
    assert "created locally: m@v0.0.1" in res.err
    assert r.tags() == ["m@v0.0.1"]
    assert remote_tags(origin) == {}


def test_delete_push_failure_says_the_tag_is_deleted_locally(pair):
    r, origin = pair
    r.gto("register", "m", "--push")
    hook = origin.path / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    res = r.gto("deprecate", "m", "--delete", "--push", check=1)
    assert res.lines == ["Deleted git tag 'm@v0.0.1'", "Running `git push --delete origin m@v0.0.1`"]
    assert res.err.startswith("❌ The command `git push --delete origin m@v0.0.1` failed")
    assert "deleted locally: m@v0.0.1" in res.err
    assert r.tags() == []
    assert list(remote_tags(origin)) == ["m@v0.0.1"]


def test_dry_run_push_pushes_nothing(pair):
    r, origin = pair
    before = r.snapshot()
    res = r.gto("assign", "m", "HEAD", "--stage", "prod", "--push", "--dry-run")
    assert "Running" not in res.out
    assert r.snapshot() == before
    assert remote_tags(origin) == {}
