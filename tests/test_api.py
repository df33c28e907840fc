"""The Python API (gitgto.api, issue 18): gto 1.10.1's tests/test_api.py
cases, their assertions run against gitgto.api (where git-gto deliberately
differs, DECISIONS §4, the test says so), then what git-gto adds: errors
with gto's names and the CLI's messages, no printing unless stdout=True,
push and URL repositories, repository objects, governance keywords, and a
light import.

The API runs in this process: the fixture gives os.environ the hermetic
environment of the repository (its HOME, identity and clock)."""

import datetime
import os
import subprocess
import sys

import pytest

from gitgto import api
from gitgto import errors
from gtorepo import GtoRepo
from signing import make_keys, needs_ssh_keygen, setup_signing, signers_line


class ApiRepo(GtoRepo):
    """A GtoRepo whose environment (and clock) is also this process's."""

    monkeypatch = None

    def _set_date(self):
        super()._set_date()
        if self.monkeypatch is not None:
            for key in ("GIT_COMMITTER_DATE", "GIT_AUTHOR_DATE"):
                self.monkeypatch.setenv(key, self.env[key])


def in_process(monkeypatch, r):
    for key in list(os.environ):
        if key.startswith(("GIT_", "GTO_")):
            monkeypatch.delenv(key)
    for key, value in r.env.items():
        monkeypatch.setenv(key, value)
    r.monkeypatch = monkeypatch
    monkeypatch.chdir(r.path)
    return r


@pytest.fixture
def empty(tmp_path, monkeypatch):
    """gto's empty_git_repo: no commits yet."""
    return in_process(monkeypatch, ApiRepo(tmp_path))


@pytest.fixture
def repo_with_artifact(tmp_path, monkeypatch):
    """gto's repo_with_artifact: two commits, each with an annotation of
    new-artifact (the second moves its path), and a .gto allowing any stage."""
    r = in_process(monkeypatch, ApiRepo(tmp_path))
    r.commit("first")
    api.annotate(r.path, "new-artifact", type="new-type", path="new/path", must_exist=False)
    r.commit("Added index", {"artifacts.yaml": (r.path / "artifacts.yaml").read_text()})
    api.annotate(r.path, "new-artifact", type="new-type", path="path", must_exist=False)
    r.commit("Added index", {"artifacts.yaml": (r.path / "artifacts.yaml").read_text()})
    return r, "new-artifact"


# -- gto 1.10.1's tests/test_api.py ------------------------------------------------


def test_empty_state(empty):
    assert api.show(str(empty.path)) == {}


def test_api_info_commands_empty_repo(empty):
    assert api.show(empty.path) == {}
    assert api.history(empty.path) == []


def test_add_remove(empty):
    name, type_, path = "new-artifact", "new-type", "new/path"
    api.annotate(empty.path, name, type=type_, path=path, must_exist=False)
    with pytest.raises(errors.PathIsUsed):
        api.annotate(empty.path, "other-name", path=path)
    api.annotate(empty.path, "other-name", path=path, allow_same_path=True)
    found = api.describe(empty.path, name)
    assert found.dict() == dict(type=type_, path=path, virtual=True, labels=[], description="", custom=None)
    api.remove(empty.path, name)
    assert api.describe(empty.path, name) is None
    with pytest.raises(errors.ArtifactNotFound, match="Cannot find artifact 'new-artifact'"):
        api.remove(empty.path, name)


def test_api_info_commands_repo_with_artifact(repo_with_artifact):
    r, name = repo_with_artifact
    assert api.show(r.path) == {name: {"version": None, "stage": {}, "registered": False, "active": True}}
    versions = api.show(r.path, name)
    assert [v["version"] for v in versions] == [r.sha()]  # discovered at HEAD's annotation
    assert api.history(r.path) == []


def test_describe(repo_with_artifact):
    r, name = repo_with_artifact
    api.annotate(r.path, name, path="other-path")
    assert api.describe(r.path, name).dict(exclude_defaults=True) == dict(type="new-type", path="other-path")
    assert api.describe(r.path, name, rev="HEAD").dict(exclude_defaults=True) == dict(type="new-type", path="path")


def test_register_deregister(repo_with_artifact):
    r, name = repo_with_artifact
    api.register(r.path, name, "HEAD", "v1.0.0")
    assert api.find_latest_version(r.path, name).version == "v1.0.0"
    api.annotate(r.path, "something-irrelevant", "doesnt-matter", "anything", must_exist=False)
    r.commit("Irrelevant action to create a git commit to register another version")
    api.register(r.path, name, "HEAD", message="Some message", author="GTO", author_email="gto@iterative.ai")
    latest = api.find_latest_version(r.path, name)
    assert (latest.version, latest.message, latest.author, latest.author_email) == \
        ("v1.0.1", "Some message", "GTO", "gto@iterative.ai")
    assert len(api.show(r.path, name, deprecated=False)) == 2

    api.deregister(repo=r.path, name=name, version="v1.0.1")
    assert api.find_latest_version(r.path, name).version == "v1.0.0"
    assert len(api.show(r.path, name, deprecated=False)) == 1
    assert len(api.show(r.path, name, deprecated=True)) == 2


def test_assign(repo_with_artifact):
    r, name = repo_with_artifact
    r.git("tag", "v1.0.0")
    r.git("tag", "wrong-tag-unrelated")
    event = api.assign(r.path, name, "staging", ref="HEAD", name_version="v0.0.1", message="some msg",
                       author="GTO", author_email="gto@iterative.ai")
    assignments = api.find_versions_in_stage(r.path, name, "staging")
    assert len(assignments) == 1
    state = assignments[0].dict_state()
    assert {k: state[k] for k in ("artifact", "version", "stage", "author", "author_email", "message",
                                  "commit_hexsha", "is_active", "ref")} == \
        dict(artifact=name, version="v0.0.1", stage="staging", author="GTO", author_email="gto@iterative.ai",
             message="some msg", commit_hexsha=r.sha(), is_active=True, ref=event.ref)
    assert isinstance(state["created_at"], datetime.datetime)


def test_assign_skip_registration(repo_with_artifact):
    r, name = repo_with_artifact
    with pytest.raises(errors.WrongArgs):
        api.assign(r.path, name, "staging", ref="HEAD", name_version="v0.0.1", skip_registration=True)
    api.assign(r.path, name, "staging", ref="HEAD", skip_registration=True)
    assignments = api.find_versions_in_stage(r.path, name, "staging")
    assert len(assignments) == 1
    assert assignments[0].version == r.sha()  # unnamed: not SemVer


def test_assign_force_is_needed(repo_with_artifact):
    r, name = repo_with_artifact
    api.assign(r.path, name, "staging", ref="HEAD")
    api.assign(r.path, name, "staging", ref="HEAD^1")
    with pytest.raises(errors.WrongArgs, match="is already in stage 'staging'"):
        api.assign(r.path, name, "staging", ref="HEAD^1")
    # gto also refuses HEAD here (it held staging once); git-gto looks at the
    # current state (DECISIONS §4): HEAD does not hold staging now.
    api.assign(r.path, name, "staging", ref="HEAD")
    api.assign(r.path, name, "staging", ref="HEAD", force=True)
    api.assign(r.path, name, "staging", ref="HEAD^1", force=True)


def test_unassign(repo_with_artifact):
    r, _ = repo_with_artifact
    api.register(r.path, name="model", ref="HEAD")
    api.assign(r.path, name="model", ref="HEAD", stage="dev")
    assert api.find_versions_in_stage(r.path, name="model", stage="dev") is not None
    api.unassign(r.path, name="model", ref="HEAD", stage="dev")
    assert api.find_versions_in_stage(r.path, name="model", stage="dev") is None


def test_deprecate(repo_with_artifact):
    r, _ = repo_with_artifact
    api.register(r.path, name="model", ref="HEAD")
    assert len(api.show(r.path, "model")) == 1
    api.deprecate(r.path, name="model")  # (no sleep: a write is dated after the artifact's last event)
    assert len(api.show(r.path, "model", deprecated=False)) == 0
    assert len(api.show(r.path, "model", deprecated=True)) == 1
    with pytest.raises(errors.WrongArgs, match="Artifact was deprecated already"):
        api.deprecate(r.path, name="model")
    with pytest.raises(errors.WrongArgs, match="Can't use 'force' with 'simple=True'"):
        api.deprecate(r.path, name="model", simple=True, force=True)
    api.deprecate(r.path, name="model", force=True)


def test_check_ref_detailed(repo_with_artifact, monkeypatch):
    r, _ = repo_with_artifact
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Alexander Guschin")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "aguschin@iterative.ai")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Oliwav")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "oliwav@iterative.ai")
    api.register(r.path, name="model", ref="HEAD", version="v1.2.3")
    events = api.check_ref(r.path, "model@v1.2.3")
    assert len(events) == 1
    state = events[0].dict_state()
    assert {k: state[k] for k in ("event", "artifact", "version", "author", "author_email", "tag")} == {
        "event": "registration", "artifact": "model", "version": "v1.2.3", "author": "Oliwav",
        "author_email": "oliwav@iterative.ai", "tag": "model@v1.2.3"}
    assert state["commit_hexsha"] == r.sha() and isinstance(state["created_at"], datetime.datetime)


@pytest.fixture
def showcase(repo_with_artifact):
    """gto's showcase, written through the API."""
    r, _ = repo_with_artifact
    first = r.sha("HEAD^1")
    api.register(r.path, "rf", first, "v1.2.3")
    api.register(r.path, "rf", "HEAD", "v1.2.4")
    api.assign(r.path, "rf", "staging", version="v1.2.3")
    api.assign(r.path, "rf", "prod", version="v1.2.4")
    api.assign(r.path, "rf", "staging", version="v1.2.4")
    api.register(r.path, "nn", first, "v0.0.1")
    api.assign(r.path, "nn", "staging", version="v0.0.1")
    return r


def test_check_ref_multiple_showcase(showcase):
    tags = showcase.tags()
    assert len(tags) == 7
    for tag in tags:
        events = api.check_ref(showcase.path, tag)
        assert len(events) == 1, tag
        assert events[0].ref == events[0].tag == tag


def test_check_ref_catch_the_bug(repo_with_artifact):
    r, _ = repo_with_artifact
    api.register(r.path, "artifact", "HEAD")
    made = [api.assign(r.path, "artifact", stage, ref="HEAD") for stage in ("staging", "prod", "dev")]
    for assignment, tag in zip(made, ["artifact#staging#1", "artifact#prod#2", "artifact#dev#3"]):
        events = api.check_ref(r.path, tag)
        assert len(events) == 1, events
        assert events[0].ref == assignment.tag == tag


@pytest.fixture
def with_origin(repo_with_artifact, tmp_path):
    r, _ = repo_with_artifact
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True, env=r.env)
    r.git("remote", "add", "origin", str(origin))
    r.git("push", "-q", "origin", "main")
    return r, origin


def remote_tags(r, origin):
    return sorted(ref for ref in r.git("ls-remote", "--tags", str(origin)).split()[1::2] if not ref.endswith("^{}"))


def test_writes_with_push_push_each_tag(with_origin):
    """gto's test_if_*_with_auto_push_*: each write pushes what it made or deleted."""
    r, origin = with_origin
    api.register(r.path, name="model", ref="HEAD", push=True)
    assert remote_tags(r, origin) == ["refs/tags/model@v0.0.1"]
    api.assign(r.path, name="model", stage="dev", ref="HEAD", push=True)
    assert remote_tags(r, origin) == ["refs/tags/model#dev#1", "refs/tags/model@v0.0.1"]
    api.unassign(r.path, name="model", stage="dev", version="v0.0.1", push=True)
    assert "refs/tags/model#dev!#2" in remote_tags(r, origin)
    api.unassign(r.path, name="model", stage="dev", version="v0.0.1", delete=True, push=True)
    assert remote_tags(r, origin) == ["refs/tags/model@v0.0.1"]
    api.deregister(r.path, name="model", version="v0.0.1", push=True)
    assert remote_tags(r, origin) == ["refs/tags/model@v0.0.1", "refs/tags/model@v0.0.1!"]
    assert api.deregister(r.path, name="model", version="v0.0.1", push=True, delete=True) is None
    assert remote_tags(r, origin) == []
    api.register(r.path, name="model", ref="HEAD", push=True)
    api.deprecate(r.path, name="model", push=True, delete=True)
    assert remote_tags(r, origin) == []
    api.register(r.path, name="model", ref="HEAD", push=True)
    api.deprecate(r.path, name="model", push=True)
    assert remote_tags(r, origin) == ["refs/tags/model@deprecated", "refs/tags/model@v0.0.1"]


def test_a_url_repository_writes_push_there(with_origin):
    """gto's test_if_*_with_remote_repo_*: a URL is fetched, and writes push to it."""
    r, origin = with_origin
    url = "file://" + str(origin)
    event = api.register(repo=url, name="model", ref="HEAD")
    assert event.tag == "model@v0.0.1" and remote_tags(r, origin) == ["refs/tags/model@v0.0.1"]
    assert r.tags() == []  # the local clone is not the registry that was named
    assert api.show(url)["model"]["version"] == "v0.0.1"
    assert [e.ref for e in api.check_ref(url, "model@v0.0.1")] == ["model@v0.0.1"]
    assert api.get_stages(url) == []


# -- what git-gto adds --------------------------------------------------------------


def test_results_are_the_cli_json(showcase):
    """The same data as --json (times as datetime objects)."""
    import json

    def iso(value):
        return json.loads(json.dumps(value, default=lambda d: d.isoformat()))

    r = showcase
    assert api.show(r.path) == json.loads(r.gto("show", "--json").out)
    assert iso(api.show(r.path, "rf")) == json.loads(r.gto("show", "rf", "--json").out)
    assert iso(api.history(r.path)) == json.loads(r.gto("history", "--json").out)
    assert iso(api.history(r.path, "nn", ascending=True)) == json.loads(r.gto("history", "nn", "--asc", "--json").out)
    event = iso(api.check_ref(r.path, "rf#prod#2")[0].dict_state())
    assert (event.pop("priority"), event.pop("addition")) == (5, True)  # (gto's objects have them, its CLI not)
    assert event == without(json.loads(r.gto("check-ref", "rf#prod#2", "--json").out), ["commit"])
    assert api.get_stages(r.path) == json.loads(r.gto("stages", "--json").out) == ["prod", "staging"]
    assert api.describe(r.path, "new-artifact").dict(exclude_defaults=True) == \
        json.loads(r.gto("describe", "new-artifact").out)


def without(data, keys):
    return {k: v for k, v in data.items() if k not in keys}


def test_tables_are_rows_and_keys(showcase):
    r = showcase
    rows, keys = api.show(r.path, table=True)
    assert keys == "keys"
    assert rows == [{"name": "*new-artifact", "latest": None, "#prod": None, "#staging": None},
                    {"name": "nn", "latest": "v0.0.1", "#prod": None, "#staging": "v0.0.1"},
                    {"name": "rf", "latest": "v1.2.4", "#prod": "v1.2.4", "#staging": "v1.2.4"}]
    assert api.show(r.path, sort="semver") == api.show(r.path)  # (gto's VersionSort values are accepted)
    with pytest.raises(errors.WrongArgs, match="Unknown sort 'newest'"):
        api.show(r.path, sort="newest")
    rows, keys = api.show(r.path, "rf", table=True)
    assert [(v["artifact"], v["version"], v["stage"], v["ref"]) for v in rows] == \
        [("rf", "v1.2.4", "staging, prod", "rf@v1.2.4"), ("rf", "v1.2.3", "", "rf@v1.2.3")]
    rows, keys = api.history(r.path, "nn", table=True, truncate_hexsha=True)
    assert [list(row) for row in rows] == [["timestamp", "artifact", "event", "version", "stage", "commit", "ref"]] * 2
    assert [(row["event"], row["commit"]) for row in rows] == [("assignment", r.sha("HEAD^1")[:7]),
                                                               ("registration", r.sha("HEAD^1")[:7])]


def test_find_latest_and_versions_in_stage_objects(showcase):
    r = showcase
    latest = api.find_latest_version(r.path, "rf")
    assert (latest.artifact, latest.version, latest.commit_hexsha) == ("rf", "v1.2.4", r.sha())
    assert list(latest.stages) == ["staging", "prod"] and latest.stages["prod"].version == "v1.2.4"
    assert [e.tag for e in latest.registrations] == ["rf@v1.2.4"]
    with pytest.raises(AttributeError):
        latest.version = "v9.9.9"  # frozen
    assert [v.version for v in api.find_latest_version(r.path, "rf", all=True)] == ["v1.2.4", "v1.2.3"]
    staging = api.find_versions_in_stage(r.path, "rf", "staging", versions_per_stage=-1)
    assert [s.version for s in staging] == ["v1.2.4", "v1.2.3"]
    assert [e.tag for e in staging[0].assignments] == ["rf#staging#3"]
    assert api.find_versions_in_stage(r.path, "rf", "dev") is None
    with pytest.raises(errors.ArtifactNotFound, match="Cannot find artifact 'nope'"):
        api.find_latest_version(r.path, "nope")


def test_parse_tag():
    assert api.parse_tag("m#prod#3") == {"name": "m", "stage": "prod", "action": "assign", "counter": 3}
    assert api.parse_tag("dir=m@v1.0.0") == {"name": "dir:m", "version": "v1.0.0", "action": "register"}
    assert api.parse_tag("refs/tags/m@v1.0.0!") == {"name": "m", "version": "v1.0.0", "action": "deregister"}
    assert api.parse_tag("m@deprecated") == {"name": "m", "action": "deprecate"}
    with pytest.raises(errors.InvalidTagName):
        api.parse_tag("v1.0.0")


def test_errors_have_gto_names_and_the_cli_message(repo_with_artifact, tmp_path):
    r, name = repo_with_artifact
    api.register(r.path, "m", "HEAD", "v1.0.0")
    cases = [
        (errors.VersionExistsForCommit, lambda: api.register(r.path, "m", "HEAD", "v1.0.1"),
         ("register", "m", "HEAD", "--version", "v1.0.1")),
        (errors.VersionAlreadyRegistered, lambda: api.register(r.path, "m", "HEAD^1", "v1.0.0"),
         ("register", "m", "HEAD^1", "--version", "v1.0.0")),
        (errors.RefNotFound, lambda: api.register(r.path, "m", "no-such-ref"), ("register", "m", "no-such-ref")),
        (errors.WrongArgs, lambda: api.register(r.path, "m", "HEAD", "v2.0.0", bump_major=True),
         ("register", "m", "HEAD", "--version", "v2.0.0", "--bump-major")),
        (errors.NoStageForVersion, lambda: api.unassign(r.path, "m", version="v1.0.0", stage="prod"),
         ("unassign", "m", "v1.0.0", "prod")),
        (errors.ValidationError, lambda: api.register(r.path, "bad name", "HEAD"), ("register", "bad name")),
        (errors.ArtifactNotFound, lambda: api.deprecate(r.path, "ghost"), ("deprecate", "ghost")),
        (errors.InvalidVersion, lambda: api.register(r.path, "m", "HEAD^1", "1.0"),
         ("register", "m", "HEAD^1", "--version", "1.0")),
    ]
    for cls, call, argv in cases:
        with pytest.raises(cls) as caught:
            call()
        res = r.gto(*argv, check=1)
        assert res.err == f"❌ {caught.value}\n", (cls, res)
        assert isinstance(caught.value, errors.GTOError) and caught.value.message == str(caught.value)
    assert issubclass(errors.NoStageForVersion, errors.WrongArgs)  # gto raises WrongArgs there
    (tmp_path / "not-a-repo").mkdir()
    with pytest.raises(errors.NoRepo, match="Not a git repository"):
        api.show(tmp_path / "not-a-repo")
    with pytest.raises(errors.NoRepo, match="neither a directory nor a URL"):
        api.show(tmp_path / "missing")
    (r.path / ".gto").write_text("stages: [dev]\n")
    with pytest.raises(errors.UnknownStage):
        api.assign(r.path, "m", "prod", version="v1.0.0")
    (r.path / ".gto").write_text("stages: dev\n")
    with pytest.raises(errors.WrongConfig):
        api.show(r.path)


def test_nothing_is_printed_unless_stdout(repo_with_artifact, capfd):
    r, name = repo_with_artifact
    api.register(r.path, name, "HEAD")
    api.assign(r.path, name, "dev", version="v0.0.1")
    api.show(r.path), api.history(r.path), api.check_ref(r.path, name + "@v0.0.1")
    assert capfd.readouterr() == ("", "")
    api.assign(r.path, name, "prod", version="v0.0.1", stdout=True)
    out, err = capfd.readouterr()
    assert out == f"Created git tag '{name}#prod#2' that assigns stage to version 'v0.0.1'\n" and err == ""
    plan = api.assign(r.path, name, "qa", version="v0.0.1", dry_run=True)
    assert [a.tag for a in plan] == [f"{name}#qa#3"] and f"{name}#qa#3" not in r.tags()
    assert capfd.readouterr() == ("", "")


def test_warnings_go_to_the_logger(repo_with_artifact, caplog, capfd):
    r, name = repo_with_artifact
    (r.path / ".gto").write_text("stages: [dev, prod]\n")
    assert api.show(r.path, name + "#prdo") == []
    assert capfd.readouterr() == ("", "")
    assert [rec.name for rec in caplog.records] == ["gitgto"] and "prdo" in caplog.records[0].getMessage()


def test_repo_may_be_an_open_repository_object(showcase):
    from gitgto.git import Repo
    from gitgto.workspace import Workspace

    class GitPythonLike:
        working_dir = str(showcase.path)

    expected = api.show(showcase.path)
    for opened in (Workspace(str(showcase.path)), Repo(str(showcase.path)), GitPythonLike()):
        assert api.show(opened) == expected
    ws = Workspace(str(showcase.path))
    api.register(ws, "rf", "HEAD^1", "v1.2.5", force=True)  # an object opened before a write
    assert api.find_latest_version(ws, "rf").version == "v1.2.5"


def test_author_sets_the_tagger(repo_with_artifact):
    r, name = repo_with_artifact
    event = api.register(r.path, name, "HEAD", author="Robot", author_email="robot@example.com")
    assert (event.author, event.author_email) == ("Robot", "robot@example.com")
    assert "Robot <robot@example.com>" in r.git("cat-file", "tag", event.tag)


@needs_ssh_keygen
def test_governance_through_the_api(repo_with_artifact, tmp_path):
    r, name = repo_with_artifact
    keys = make_keys(tmp_path / "keys")
    setup_signing(r, keys)
    policy = "signers: .gto-signers\ngroups:\n  ml: [alice@example.com]\nregister: {signed_by: [ml]}\n"
    r.commit("policy", {".gto-policy": policy, ".gto-signers": signers_line(keys, "alice")})
    with pytest.raises(errors.PolicyViolation, match="refuses m@v0.0.1: register: unsigned"):
        api.register(r.path, "m", "HEAD", sign=False)
    assert r.tags() == []
    with pytest.raises(errors.PolicyViolation):
        api.register(r.path, "m", "HEAD", key=str(keys["bob"]))
    event = api.register(r.path, "m", "HEAD", key=str(keys["alice"]))
    assert "-----BEGIN SSH SIGNATURE-----" in r.git("cat-file", "tag", event.tag)
    assert [e.tag for e in api.check_ref(r.path, event.tag, verify=True)] == ["m@v0.0.1"]
    r.git("tag", "-a", "-m", "unsigned", "m@v0.0.2", "HEAD^1")
    with pytest.raises(errors.PolicyViolation):
        api.check_ref(r.path, "m@v0.0.2", verify=True)
    r.commit("no rules", {".gto-policy": "{}\n"})
    assert api.check_ref(r.path, "m@v0.0.2", verify=True, policy_ref="HEAD")[0].tag == "m@v0.0.2"
    with pytest.raises(errors.PolicyViolation):
        api.check_ref(r.path, "m@v0.0.2", verify=True, policy_ref="HEAD^1")


def test_a_lightweight_gto_tag_is_an_error_with_the_advice(repo_with_artifact):
    r, _ = repo_with_artifact
    r.git("tag", "m@v1.0.0")
    with pytest.raises(errors.GTOError, match=r"lightweight tag here.*git fetch --force origin"):
        api.check_ref(r.path, "refs/tags/m@v1.0.0")
    assert api.check_ref(r.path, "not-a-gto-tag") == []


def test_import_is_light():
    """`import gitgto.api` imports none of the heavy dependencies."""
    code = ("import sys, gitgto.api; heavy = {'yaml', 'prettytable', 'semantic_version', 'sh', 'dataclasses'}; "
            "print(sorted(heavy & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))).stdout
    assert out == "[]\n"


def test_readme_python_api_recipe(tmp_path):
    """README's Python API example, run as it is in a repository with a model."""
    from test_readme import block_after

    r = GtoRepo(tmp_path)
    r.commit("model", {"model.pkl": "weights"})
    proc = subprocess.run([sys.executable, "-c", block_after("recipe: python-api")], cwd=str(r.path),
                          env=dict(r.env, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                          capture_output=True, text=True)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "churn@v0.0.1\nv0.0.1 True\n", "")
    assert r.tags() == ["churn#prod#1", "churn@v0.0.1"]



def test_write_facts_from_a_dict_are_checked_like_meta(empty):
    """meta= takes {KEY: VALUE} (or KEY=VALUE texts), checked as --meta is."""
    r = empty
    r.commit("init")
    api.register(r.path, "m", "HEAD", meta={"Accuracy": "0.9", "data": "q3=x"}, description="first")
    version = api.show(r.path, "m")[0]
    assert (version["meta"], version["description"]) == ({"accuracy": "0.9", "data": "q3=x"}, "first")
    with pytest.raises(errors.GTOError, match="Invalid --meta"):
        api.assign(r.path, "m", "prod", version="v0.0.1", meta={"bad key": "x"})
    assert api.find_versions_in_stage(r.path, "m", "prod") is None  # nothing written
