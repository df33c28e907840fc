"""The write commands through `git gto ...` (real subprocesses): the README
flow of reference Appendix A (with DECISIONS §4), every option of register /
assign / deprecate / unassign / deregister, --delete, --dry-run, the tag
objects written, messages, push hints and every bad input of §5.10."""

import json
import shlex

import pytest

from gtorepo import EMAIL, NAME, GtoRepo


def with_origin(r):
    """Push hints name a remote that exists (configured; never contacted)."""
    r.git("remote", "add", "origin", "https://example.invalid/models.git")
    return r


@pytest.fixture
def repo(tmp_path):
    r = with_origin(GtoRepo(tmp_path))
    r.commit("init")
    return r


def hint(tag, delete=False):
    verb = "git push --delete origin" if delete else "git push origin"
    return ["To push the changes upstream, run:", f"    {verb} {shlex.quote(tag)}"]


def created(tag, what):
    return [f"Created git tag '{tag}' that {what}"] + hint(tag)


def deleted(tag):
    return [f"Deleted git tag '{tag}'"] + hint(tag, delete=True)


def ok(r, *args, out):
    """Run a command that must succeed with exactly `out` (lines) and no stderr."""
    r.tick()
    res = r.gto(*args)
    assert res.lines == out, res
    assert res.err == "", res
    return res


def refused(r, *args, err, code=1):
    """Run a command that must fail with exactly the one line `err` and
    change nothing: refs, work tree, artifacts.yaml."""
    r.tick()
    before = r.snapshot()
    res = r.gto(*args, check=code)
    assert res.out == "", res
    assert res.err_lines == ["❌ " + err] if code == 1 else res.err, res
    assert r.snapshot() == before
    return res


# -- Appendix A ----------------------------------------------------------------


def test_readme_flow(repo):
    r = repo
    ok(r, "annotate", "awesome-model", "--type", "model", "--path", "s3://awesome/model.pkl",
       out=["Updated `artifacts.yaml`"])
    r.git("add", "artifacts.yaml")
    sha = r.commit("annotate")
    ok(r, "register", "awesome-model", "HEAD", "--version", "v0.0.1",
       out=created("awesome-model@v0.0.1", "registers version"))
    refused(r, "register", "awesome-model", "HEAD", "--version", "v0.0.1",
            err="'awesome-model' is already registered in this commit with version 'v0.0.1'. "
                "Use --force to add another version on this commit.")
    ok(r, "assign", "awesome-model", "--version", "v0.0.1", "--stage", "prod",
       out=created("awesome-model#prod#1", "assigns stage to version 'v0.0.1'"))
    assert hint("awesome-model#prod#1")[1] == "    git push origin 'awesome-model#prod#1'"
    refused(r, "assign", "awesome-model", "--version", "v0.0.1", "--stage", "prod",
            err="Version 'v0.0.1' is already in stage 'prod'. Use the '--force' flag to create a new "
                "Git tag nevertheless.")
    assert r.gto("show", "awesome-model#prod", "--ref").out == "awesome-model@v0.0.1\n"
    assert r.gto("check-ref", "awesome-model#prod#1").out == \
        '✅  Stage "prod" was assigned to version "v0.0.1" of artifact "awesome-model"\n'
    assert json.loads(r.gto("describe", "awesome-model").out) == {"type": "model", "path": "s3://awesome/model.pkl"}
    ok(r, "deprecate", "awesome-model", "v0.0.1", "prod",
       out=created("awesome-model#prod!#2", "unassigns stage from version 'v0.0.1'"))
    # DECISIONS §4: no second unassignment of a stage the version no longer holds
    refused(r, "deprecate", "awesome-model", "v0.0.1", "prod",
            err="Stage 'prod' is not assigned to a version 'v0.0.1'")
    assert json.loads(r.gto("show", "--json").out)["awesome-model"]["stage"] == {}
    ok(r, "assign", "awesome-model", "--version", "v0.0.1", "--stage", "prod",
       out=created("awesome-model#prod#3", "assigns stage to version 'v0.0.1'"))
    ok(r, "deprecate", "awesome-model", "v0.0.1", "prod", "--delete",
       out=deleted("awesome-model#prod#1") + deleted("awesome-model#prod!#2") + deleted("awesome-model#prod#3"))
    assert r.tags() == ["awesome-model@v0.0.1"]
    ok(r, "deprecate", "awesome-model", "v0.0.1",
       out=created("awesome-model@v0.0.1!", "deregisters version"))
    assert hint("awesome-model@v0.0.1!")[1] == "    git push origin 'awesome-model@v0.0.1!'"
    refused(r, "deprecate", "awesome-model", "v0.0.1",
            err=f"The version at ref '{sha}' was deregistered already")
    assert r.gto("show", "awesome-model").out == "Nothing found in the current workspace\n"
    ok(r, "deprecate", "awesome-model", out=created("awesome-model@deprecated", "deprecates artifact"))
    refused(r, "deprecate", "awesome-model", err="Artifact was deprecated already")
    # the --delete above removed every counter tag: the counter starts again at 1
    ok(r, "deprecate", "awesome-model", "--force", out=created("awesome-model@deprecated#1", "deprecates artifact"))
    assert r.git("tag", "-l", "-n9").splitlines() == [
        "awesome-model@deprecated Deprecating artifact 'awesome-model'",
        "awesome-model@deprecated#1 Deprecating artifact 'awesome-model'",
        "awesome-model@v0.0.1 Registering artifact awesome-model version v0.0.1",
        "awesome-model@v0.0.1! Deregistering artifact awesome-model version v0.0.1",
    ]


# -- the tag objects -------------------------------------------------------------


def test_tags_are_annotated_with_committer_as_tagger_and_committer_date(repo):
    r = repo
    r.tick(100)
    ok(r, "register", "m", out=created("m@v0.0.1", "registers version"))
    kind, tagger, email, date, target = r.tag_info("m@v0.0.1")
    assert (kind, tagger, email) == ("tag", NAME, f"<{EMAIL}>")
    assert date == f"{r.now} +0000"
    assert target == r.sha()
    # the message ends with a newline (a signature would start on its own line)
    assert r.tag_message("m@v0.0.1") == "Registering artifact m version v0.0.1\n\n"
    r.tick()
    r.gto("assign", "m", "--stage", "prod", env={"GIT_COMMITTER_DATE": "@1800000000 +0200",
                                                "GIT_COMMITTER_NAME": "Other", "GIT_COMMITTER_EMAIL": "o@x.invalid"})
    assert r.tag_info("m#prod#1")[:4] == ("tag", "Other", "<o@x.invalid>", "1800000000 +0200")
    hist = json.loads(r.gto("history", "m", "--json").out)
    assign = [e for e in hist if e["event"] == "assignment"][0]
    assert (assign["author"], assign["author_email"], assign["timestamp"]) == \
        ("Other", "o@x.invalid", "2027-01-15T10:00:00+02:00")


def test_tag_targets_the_commit_a_ref_resolves_to(repo):
    r = repo
    first = r.sha()
    r.commit("two")
    r.git("tag", "-a", "release", "-m", "annotated non-gto tag", first)
    ok(r, "register", "m", "release", out=created("m@v0.0.1", "registers version"))
    assert r.tag_info("m@v0.0.1")[4] == first
    ok(r, "register", "m", "main", out=created("m@v0.0.2", "registers version"))
    assert r.tag_info("m@v0.0.2")[4] == r.sha()


@pytest.mark.parametrize("message", [
    "first line\nsecond line\n\nfourth",
    "-leading dash",
    "--force",  # passed as --message=--force
    "  surrounded by blanks \n\n",
    "# not a comment\nünïcödé ✓",
    "x" * 120_000,  # one argv string is limited to 128 KiB by Linux (MAX_ARG_STRLEN)
])
def test_message_is_stored_and_read_back(repo, message):
    r = repo
    res = r.gto("register", "m", "--message=" + message)
    assert res.lines[0] == "Created git tag 'm@v0.0.1' that registers version"
    hist = json.loads(r.gto("history", "m", "--json").out)
    assert [e["message"] for e in hist] == [message.strip()]
    stored = r.tag_message("m@v0.0.1")
    assert stored.strip() == message.strip()


def test_message_option_applies_to_auto_registration_and_assignment(repo):
    r = repo
    r.gto("assign", "m", "HEAD", "--stage", "dev", "--message", "both")
    assert r.tag_message("m@v0.0.1").strip() == "both"
    assert r.tag_message("m#dev#1").strip() == "both"


# -- register --------------------------------------------------------------------


def test_register_versions_and_bumps(repo):
    r = repo
    ok(r, "register", "m", out=created("m@v0.0.1", "registers version"))
    r.commit("2")
    ok(r, "register", "m", "--bump-minor", out=created("m@v0.1.0", "registers version"))
    r.commit("3")
    ok(r, "register", "m", "--bump-major", out=created("m@v1.0.0", "registers version"))
    r.commit("4")
    ok(r, "register", "m", "--bump-patch", out=created("m@v1.0.1", "registers version"))
    r.commit("5")
    ok(r, "register", "m", "HEAD", "--version", "v2.0.0-rc.1", out=created("m@v2.0.0-rc.1", "registers version"))
    r.commit("6")
    ok(r, "register", "m", out=created("m@v2.0.1", "registers version"))
    r.commit("7")
    ok(r, "register", "m", "--ver", "v0.5.0", out=created("m@v0.5.0", "registers version"))
    r.commit("8")
    ok(r, "register", "m", "--simple", "false", out=created("m@v2.0.2#1", "registers version"))
    r.commit("9")
    ok(r, "register", "m", "--simple", "true", out=created("m@v2.0.3", "registers version"))
    versions = [v["version"] for v in json.loads(r.gto("show", "m", "--json").out)]
    assert versions == ["v2.0.3", "v2.0.2", "v2.0.1", "v2.0.0-rc.1", "v1.0.1", "v1.0.0", "v0.5.0", "v0.1.0", "v0.0.1"]


def test_register_older_commit_and_default_message(repo):
    r = repo
    first = r.sha()
    r.commit("2")
    ok(r, "register", "m", "HEAD~1", out=created("m@v0.0.1", "registers version"))
    assert r.tag_info("m@v0.0.1")[4] == first


def test_register_force_adds_second_version_on_a_commit(repo):
    r = repo
    ok(r, "register", "m", "--version", "v1.0.0-rc.1", out=created("m@v1.0.0-rc.1", "registers version"))
    res = r.gto("register", "m", "--version", "v1.0.0", "--force")
    assert res.lines == created("m@v1.0.0", "registers version")
    assert res.err == (f"warning: --force: 'm' now has 2 versions on commit {r.sha()[:7]} (v1.0.0-rc.1, v1.0.0), "
                       "which gto 1.x cannot read once a stage is assigned there\n")
    show = json.loads(r.gto("show", "--json").out)
    assert show["m"]["version"] == "v1.0.0"
    assert "every gto 1.x command in this repository then fails" in r.gto("assign", "m", "--stage", "prod", check=1).err
    res = r.gto("assign", "m", "--stage", "prod", "--force")
    assert res.lines == created("m#prod#1", "assigns stage to version 'v1.0.0'")
    assert res.err.startswith("warning: --force: a stage tag of 'm' on commit ")
    assert r.gto("show", "m#prod", "--version").out == "v1.0.0\n"


def test_register_deregistered_commit_again(repo):
    r = repo
    r.gto("register", "m")
    r.gto("deprecate", "m", "v0.0.1")
    refused(r, "register", "m", "--version", "v0.0.2",
            err="For this REF you can only register v0.0.1 (or use --force to add another version on this commit)")
    refused(r, "register", "m", err="Version 'v0.0.1' was deregistered on this commit: registering it again "
            "makes a second registration of one version, which gto 1.x cannot read ('Multiple registrations "
            "are not supported'). Use --force to do it anyway.")
    res = r.gto("register", "m", "--force")
    assert res.lines == created("m@v0.0.1#1", "registers version")
    assert res.err == "warning: --force: 'm' now has two registrations of v0.0.1, which gto 1.x cannot read\n"
    assert json.loads(r.gto("show", "--json").out)["m"]["version"] == "v0.0.1"


def test_register_dir_name(repo):
    r = repo
    ok(r, "register", "models/churn:model", out=created("models/churn=model@v0.0.1", "registers version"))
    ok(r, "assign", "models/churn:model", "--stage", "prod",
       out=created("models/churn=model#prod#1", "assigns stage to version 'v0.0.1'"))
    assert "models/churn:model" in json.loads(r.gto("show", "--json").out)


# -- assign / promote -----------------------------------------------------------


def test_assign_ref_auto_registers_and_prints_register_lines_first(repo):
    r = repo
    ok(r, "assign", "nn2", "HEAD", "--stage", "prod",
       out=created("nn2@v0.0.1", "registers version") + created("nn2#prod#1", "assigns stage to version 'v0.0.1'"))
    r.commit("2")
    ok(r, "assign", "nn2", "HEAD", "--version", "v1.0.0", "--stage", "dev",
       out=created("nn2@v1.0.0", "registers version") + created("nn2#dev#2", "assigns stage to version 'v1.0.0'"))
    # a registered REF is not registered again
    ok(r, "assign", "nn2", "HEAD", "--stage", "prod", out=created("nn2#prod#3", "assigns stage to version 'v1.0.0'"))
    # HEAD is the default REF
    r.commit("3")
    ok(r, "assign", "nn2", "--stage", "dev",
       out=created("nn2@v1.0.1", "registers version") + created("nn2#dev#4", "assigns stage to version 'v1.0.1'"))


def test_assign_skip_registration(repo):
    r = repo
    sha = r.sha()
    ok(r, "assign", "m", "HEAD", "--sr", "--stage", "prod", out=created("m#prod#1", f"assigns stage to version '{sha}'"))
    ok(r, "assign", "m", "HEAD", "--skip-registration", "--stage", "dev", "--simple", "true",
       out=created("m#dev", f"assigns stage to version '{sha}'"))
    assert r.tags() == ["m#dev", "m#prod#1"]
    assert r.tag_message("m#prod#1").strip() == f"Assigning stage prod to artifact m version {sha}"


def test_promote_is_assign(repo):
    r = repo
    r.gto("register", "m")
    ok(r, "promote", "m", "--version", "v0.0.1", "--stage", "prod",
       out=created("m#prod#1", "assigns stage to version 'v0.0.1'"))


def test_assign_simple_and_force(repo):
    r = repo
    r.gto("register", "m")
    ok(r, "assign", "m", "--version", "v0.0.1", "--stage", "dev", "--simple", "true",
       out=created("m#dev", "assigns stage to version 'v0.0.1'"))
    ok(r, "assign", "m", "--version", "v0.0.1", "--stage", "dev", "--force",
       out=created("m#dev#1", "assigns stage to version 'v0.0.1'"))
    refused(r, "assign", "m", "--version", "v0.0.1", "--stage", "dev", "--simple", "true", "--force",
            err="tag 'm#dev' already exists (a simple tag exists only once: delete it first, or use --simple false)")
    ok(r, "assign", "m", "--version", "v0.0.1", "--stage", "dev", "--simple", "false", "--force",
       out=created("m#dev#2", "assigns stage to version 'v0.0.1'"))


def test_assign_stage_back_to_an_older_version_needs_no_force(repo):
    r = repo
    r.gto("register", "m")
    r.commit("2")
    r.gto("register", "m")
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "prod")
    r.tick()
    r.gto("assign", "m", "--version", "v0.0.2", "--stage", "prod")
    ok(r, "assign", "m", "--version", "v0.0.1", "--stage", "prod",
       out=created("m#prod#3", "assigns stage to version 'v0.0.1'"))
    assert r.gto("show", "m#prod", "--version").out == "v0.0.1\n"


QA_NOT_ALLOWED = "Allowed stages are: dev, prod (from .gto); 'qa' is not one of them"


def test_stage_not_in_config(repo):
    r = repo
    r.commit("cfg", {".gto": "stages: [dev, prod]\n"})
    r.gto("register", "m")
    refused(r, "assign", "m", "--version", "v0.0.1", "--stage", "qa", err=QA_NOT_ALLOWED)
    refused(r, "assign", "m", "HEAD", "--stage", "qa", err=QA_NOT_ALLOWED)
    refused(r, "deprecate", "m", "v0.0.1", "qa", err=QA_NOT_ALLOWED)
    refused(r, "unassign", "m", "v0.0.1", "qa", err=QA_NOT_ALLOWED)
    ok(r, "assign", "m", "--version", "v0.0.1", "--stage", "dev", out=created("m#dev#1", "assigns stage to version 'v0.0.1'"))


# -- deprecate / unassign / deregister -----------------------------------------


def test_unassign_and_deregister_commands_equal_deprecate_forms(repo):
    r = repo
    r.gto("register", "m")
    r.gto("assign", "m", "--stage", "prod")
    ok(r, "unassign", "m", "v0.0.1", "prod", out=created("m#prod!#2", "unassigns stage from version 'v0.0.1'"))
    ok(r, "deregister", "m", "v0.0.1", out=created("m@v0.0.1!", "deregisters version"))
    assert r.gto("unassign", "m", "v0.0.1", check=2).err.startswith("usage: git gto unassign")
    assert r.gto("deregister", "m", check=2).err.startswith("usage: git gto deregister")
    assert r.gto("deregister", "m", "v0.0.1", "prod", check=2).code == 2


def test_deprecate_targets_latest_event_commit_or_ref(repo):
    r = repo
    first = r.sha()
    r.gto("register", "m")
    second = r.commit("2")
    r.gto("register", "m")
    r.commit("3")
    r.tick()
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "prod")
    ok(r, "deprecate", "m", out=created("m@deprecated", "deprecates artifact"))
    assert r.tag_info("m@deprecated")[4] == first
    ok(r, "deprecate", "m", "--force", "--ref", second, out=created("m@deprecated#2", "deprecates artifact"))
    assert r.tag_info("m@deprecated#2")[4] == second
    ok(r, "deprecate", "m", "--force", "--simple", "false", "-m", "bye",
       out=created("m@deprecated#3", "deprecates artifact"))
    refused(r, "deprecate", "m", "--force", "--simple", "true", err="Can't use 'force' with 'simple=True'")
    refused(r, "deprecate", "m", "--ref", "nope", err="Ref 'nope' was not found in the repository history (or is not a commit)")


def test_deprecate_unknown_artifact_with_force_tags_head(repo):
    r = repo
    refused(r, "deprecate", "ghost", err="Cannot find artifact 'ghost'")
    ok(r, "deprecate", "ghost", "--force", out=created("ghost@deprecated#1", "deprecates artifact"))
    assert r.tag_info("ghost@deprecated#1")[4] == r.sha()


def test_deregister_simple_false(repo):
    r = repo
    r.gto("register", "m")
    ok(r, "deprecate", "m", "v0.0.1", "--simple", "false", out=created("m@v0.0.1!#1", "deregisters version"))


# -- --delete -------------------------------------------------------------------------


LOOKALIKES = ["model", "model-2", "dir:model", "model/sub", "Model", "mode"]


def in_tag(name):
    return name.replace(":", "=")


@pytest.fixture(scope="module")
def crowded_template(tmp_path_factory):
    """The same history for several look-alike artifacts (in one repo)."""
    r = with_origin(GtoRepo(tmp_path_factory.mktemp("crowded")))
    r.commit("init")
    r.commit("2")
    for name in LOOKALIKES:
        r.gto("register", name, "HEAD~1")
        r.gto("register", name, "HEAD")
        r.tick()
        r.gto("assign", name, "--version", "v0.0.1", "--stage", "prod")
        r.tick()
        r.gto("deprecate", name, "v0.0.1", "prod")
        r.tick()
        r.gto("assign", name, "--version", "v0.0.2", "--stage", "prod")
        r.tick()
        r.gto("assign", name, "--version", "v0.0.1", "--stage", "prod")
    return r


@pytest.fixture
def crowded(crowded_template, tmp_path):
    return crowded_template.copy(tmp_path)


def all_tags(name):
    t = in_tag(name)
    return {f"{t}@v0.0.1", f"{t}@v0.0.2", f"{t}#prod#1", f"{t}#prod!#2", f"{t}#prod#3", f"{t}#prod#4"}


def others(name):
    return set().union(*(all_tags(n) for n in LOOKALIKES if n != name))


@pytest.mark.parametrize("name", ["model", "dir:model", "model-2"])
def test_delete_stage(crowded, name):
    r, t = crowded, in_tag(name)
    ok(r, "deprecate", name, "v0.0.1", "prod", "--delete",
       out=deleted(f"{t}#prod#1") + deleted(f"{t}#prod!#2") + deleted(f"{t}#prod#4"))
    assert set(r.tags()) == others(name) | {f"{t}@v0.0.1", f"{t}@v0.0.2", f"{t}#prod#3"}


@pytest.mark.parametrize("name", ["model", "dir:model", "Model"])
def test_delete_version(crowded, name):
    r, t = crowded, in_tag(name)
    ok(r, "deregister", name, "v0.0.1", "-d",
       out=deleted(f"{t}@v0.0.1") + deleted(f"{t}#prod#1") + deleted(f"{t}#prod!#2") + deleted(f"{t}#prod#4"))
    assert set(r.tags()) == others(name) | {f"{t}@v0.0.2", f"{t}#prod#3"}


@pytest.mark.parametrize("name", ["model", "dir:model", "mode", "model/sub"])
def test_delete_artifact(crowded, name):
    r, t = crowded, in_tag(name)
    ok(r, "deprecate", name, "--delete",
       out=sum((deleted(x) for x in [f"{t}@v0.0.1", f"{t}@v0.0.2", f"{t}#prod#1", f"{t}#prod!#2",
                                     f"{t}#prod#3", f"{t}#prod#4"]), []))
    assert set(r.tags()) == others(name)
    res = r.gto("deprecate", name, "--delete", check=1)  # (with a did-you-mean for a neighbour, issue 17)
    assert res.err.startswith(f"❌ Cannot find artifact '{name}'"), res


def test_delete_leaves_non_gto_and_lightweight_tags(repo):
    r = repo
    r.gto("register", "m")
    r.tag("m@v9.9.9", lightweight=True)
    r.tag("m-release", message="not gto")
    r.tag("v1.0.0", message="not gto")
    ok(r, "deprecate", "m", "--delete", out=deleted("m@v0.0.1"))
    assert r.tags() == ["m-release", "m@v9.9.9", "v1.0.0"]


# -- --dry-run -------------------------------------------------------------------------


DRY_RUNS = [
    (["register", "m"], ["Would have created git tag 'm@v0.0.3' that registers version"]),
    (["register", "new", "HEAD", "--version", "v1.0.0"], ["Would have created git tag 'new@v1.0.0' that registers version"]),
    (["assign", "m", "--version", "v0.0.1", "--stage", "dev"],
     ["Would have created git tag 'm#dev#3' that assigns stage to version 'v0.0.1'"]),
    (["assign", "m", "HEAD", "--stage", "dev"],
     ["Would have created git tag 'm@v0.0.3' that registers version",
      "Would have created git tag 'm#dev#3' that assigns stage to version 'v0.0.3'"]),
    (["promote", "m", "--version", "v0.0.2", "--stage", "prod", "--force"],
     ["Would have created git tag 'm#prod#3' that assigns stage to version 'v0.0.2'"]),
    (["deprecate", "m", "v0.0.2", "prod"],
     ["Would have created git tag 'm#prod!#3' that unassigns stage from version 'v0.0.2'"]),
    (["unassign", "m", "v0.0.2", "prod"],
     ["Would have created git tag 'm#prod!#3' that unassigns stage from version 'v0.0.2'"]),
    (["deprecate", "m", "v0.0.1"], ["Would have created git tag 'm@v0.0.1!' that deregisters version"]),
    (["deregister", "m", "v0.0.1"], ["Would have created git tag 'm@v0.0.1!' that deregisters version"]),
    (["deprecate", "m"], ["Would have created git tag 'm@deprecated' that deprecates artifact"]),
    (["deprecate", "m", "--force"], ["Would have created git tag 'm@deprecated#3' that deprecates artifact"]),
    (["deprecate", "m", "v0.0.2", "prod", "--delete"],
     ["Would have deleted git tag 'm#prod#1'", "Would have deleted git tag 'm#prod#2'"]),
    (["deprecate", "m", "v0.0.1", "--delete"], ["Would have deleted git tag 'm@v0.0.1'"]),
    (["deprecate", "m", "--delete"],
     ["Would have deleted git tag 'm@v0.0.1'", "Would have deleted git tag 'm@v0.0.2'",
      "Would have deleted git tag 'm#prod#1'", "Would have deleted git tag 'm#prod#2'"]),
    (["annotate", "m", "--path", "x.pkl"],
     ["Would update `artifacts.yaml` with:", "m:", "  path: x.pkl"]),
    (["remove", "m"], ["Would remove 'm' from `artifacts.yaml`"]),
]


@pytest.mark.parametrize("args, out", DRY_RUNS, ids=[" ".join(a) for a, _ in DRY_RUNS])
def test_dry_run_changes_nothing(repo, args, out):
    r = repo
    r.gto("register", "m")
    r.commit("2")
    r.gto("register", "m")
    r.tick()
    r.gto("assign", "m", "--version", "v0.0.2", "--stage", "prod")
    r.tick()
    r.gto("assign", "m", "--version", "v0.0.2", "--stage", "prod", "--force")
    if args[0] == "remove":
        r.gto("annotate", "m", "--type", "model")
    r.commit("3")
    before = r.snapshot()
    res = r.gto(*args, "--dry-run")
    assert res.lines == out
    assert res.err == ""
    assert r.snapshot() == before
    assert not list(r.path.glob("artifacts.yaml*")) or args[0] == "remove"


def test_dry_run_still_checks(repo):
    r = repo
    r.gto("register", "m")
    refused(r, "register", "m", "--dry-run",
            err="'m' is already registered in this commit with version 'v0.0.1'. "
                "Use --force to add another version on this commit.")


# -- push hints --------------------------------------------------------------------


def test_push_hints_are_shell_quoted(repo):
    r = repo
    res = r.gto("register", "a1")
    assert res.lines[-1] == "    git push origin a1@v0.0.1"
    res = r.gto("assign", "a1", "--stage", "prod")
    assert res.lines[-1] == "    git push origin 'a1#prod#1'"
    res = r.gto("deregister", "a1", "v0.0.1")
    assert res.lines[-1] == "    git push origin 'a1@v0.0.1!'"
    res = r.gto("register", "dir:m", "--version", "v1.0.0+build.7")
    assert res.lines[-1] == "    git push origin dir=m@v1.0.0+build.7"  # nothing to quote
    res = r.gto("deprecate", "a1", "--delete")
    assert "    git push --delete origin 'a1@v0.0.1!'" in res.lines
    assert "    git push --delete origin a1@v0.0.1" in res.lines
    for line in res.lines[1::3]:
        assert line == "To push the changes upstream, run:"


def test_no_remote_is_touched_without_push(repo, tmp_path):
    r = repo
    remote = GtoRepo(tmp_path, "origin.git", bare=True)
    r.git("remote", "set-url", "origin", str(remote.path))
    r.gto("assign", "m", "HEAD", "--stage", "prod")
    assert remote.git("for-each-ref") == ""


def test_emojis_off(repo):
    r = repo
    res = r.gto("deprecate", "ghost", check=1, env={"GTO_EMOJIS": "false"})
    assert res.err == "Cannot find artifact 'ghost'\n"


# -- bad inputs (reference §5.10) --------------------------------------------------


@pytest.fixture(scope="module")
def populated_template(tmp_path_factory):
    r = with_origin(GtoRepo(tmp_path_factory.mktemp("populated")))
    r.commit("init")
    r.commit("cfg", {".gto": "stages: [dev, prod]\ntypes: [model, dataset]\n"})
    r.gto("annotate", "m", "--type", "model", "--path", "models/m.pkl")
    r.gto("register", "m", "HEAD", "--version", "v1.0.0")
    r.tick()
    r.gto("assign", "m", "--version", "v1.0.0", "--stage", "prod")
    r.commit("2")
    r.gto("register", "m", "HEAD", "--version", "v1.0.1")
    r.gto("deregister", "m", "v1.0.1")
    r.commit("3")
    r.gto("register", "gone")
    r.tick()  # same second: the registration (by tag name) would come after the deprecation
    r.gto("deprecate", "gone")
    r.tag("m#prod", "HEAD~2", message="a simple assignment written by hand")
    return r


@pytest.fixture
def populated(populated_template, tmp_path):
    return populated_template.copy(tmp_path)


INVALID_NAME = ("Invalid artifact name '{}'. Only letters, numbers, '_', '-', '/' are allowed, optionally "
                "after 'DIR:' (DIR made of letters, numbers, '_', '-', '.', '/'). The name must start and "
                "end with a letter or a number, and be at most 200 characters long.")
INVALID_STAGE = ("Invalid value '{}'. Only letters, numbers, '_', '-', '/' are allowed. "
                 "Value must start and end with a letter or a number, and be at most 200 characters long.")
NOT_FOUND = "Ref '{}' was not found in the repository history (or is not a commit)"
BAD = [
    # names
    *[(["register", "--", n], INVALID_NAME.format(n)) for n in ["m/", "-m", "_model", "a model", "model@1", "model#1",
                                                           "a//b", "dir:a:b", "x.lock", ".hidden:m/.x"]],
    (["assign", "m-", "--stage", "prod"], INVALID_NAME.format("m-")),
    (["deprecate", "@x"], INVALID_NAME.format("@x")),
    (["deprecate", "x#", "v1.0.0"], INVALID_NAME.format("x#")),
    (["unassign", "m", "v1.0.0", "pr od"], INVALID_STAGE.format("pr od")),
    (["assign", "m", "--stage=-prod"], INVALID_STAGE.format("-prod")),
    (["assign", "m", "--stage", "qa"], QA_NOT_ALLOWED),
    (["annotate", "m", "--type", "table"], "Allowed types are: model, dataset (from .gto); 'table' is not one of them"),
    # versions
    (["register", "m", "--version", "1.2.3"], "Supplied version '1.2.3' cannot be parsed; did you mean 'v1.2.3'?"),
    (["register", "m", "--version", "V1.2.3"], "Supplied version 'V1.2.3' cannot be parsed; did you mean 'v1.2.3'?"),
    (["assign", "m", "--version", "1.0.0", "--stage", "prod"],
     "Version '1.0.0' is not valid. Example of valid version: 'v1.0.0'; did you mean 'v1.0.0'?"),
    (["assign", "m", "HEAD", "--version", "v1", "--stage", "prod"],
     "Version 'v1' is not valid. Example of valid version: 'v1.0.0'"),
    (["deprecate", "m", "1.0.0"], "Version '1.0.0' is not valid. Example of valid version: 'v1.0.0'; did you mean 'v1.0.0'?"),
    (["deprecate", "m", "v1.0", "prod"], "Version 'v1.0' is not valid. Example of valid version: 'v1.0.0'"),
    (["register", "m", "--bump-minor", "--bump-major"], "Need to specify either version or single bump argument"),
    (["register", "m", "--version", "v3.0.0", "--bump-patch"], "Need to specify either version or single bump argument"),
    (["register", "new", "--bump-minor"], "Can't apply bump, because this is the first version being registered"),
    (["register", "m", "HEAD~2"], "'m' is already registered in this commit with version 'v1.0.0'. "
                                  "Use --force to add another version on this commit."),
    (["register", "m", "--version", "v1.0.0"], "Version 'v1.0.0' already was registered."),
    (["register", "m", "--version", "v1.0.1"], "Version 'v1.0.1' already was registered."),
    (["register", "m", "HEAD~1", "--version", "v2.0.0"],
     "For this REF you can only register v1.0.1 (or use --force to add another version on this commit)"),
    (["register", "m", "nope"], NOT_FOUND.format("nope")),
    (["register", "m", "HEAD~10"], NOT_FOUND.format("HEAD~10")),
    (["assign", "m", "nope", "--stage", "prod"], NOT_FOUND.format("nope")),
    (["register", "m", "HEAD^{tree}"], NOT_FOUND.format("HEAD^{tree}")),
    # assign
    (["assign", "m", "--version", "v9.9.9", "--stage", "prod"], "Version 'v9.9.9' is not registered"),
    (["assign", "m", "HEAD", "--version", "v5.0.0", "--sr", "--stage", "prod"],
     "You either need to supply version name or skip registration"),
    (["assign", "m", "HEAD~2", "--version", "v5.0.0", "--stage", "prod"],
     "Can't register 'v5.0.0', since 'v1.0.0' is registered already at this ref"),
    (["assign", "m", "--version", "v1.0.0", "--stage", "prod"],
     "Version 'v1.0.0' is already in stage 'prod'. Use the '--force' flag to create a new Git tag nevertheless."),
    (["assign", "m", "--version", "v1.0.0", "--stage", "prod", "--simple", "true", "--force"],
     "tag 'm#prod' already exists (a simple tag exists only once: delete it first, or use --simple false)"),
    # unassign / deregister / deprecate
    (["deprecate", "ghost", "v1.0.0", "prod"], "Cannot find artifact 'ghost'"),
    (["deprecate", "m", "v7.0.0", "prod"], "No versions found for 'm' with version 'v7.0.0'"),
    (["deprecate", "m", "v1.0.0", "dev"], "Stage 'dev' is not assigned to a version 'v1.0.0'"),
    (["unassign", "m", "v1.0.0", "dev", "--delete"], "Stage 'dev' is not assigned to a version 'v1.0.0'"),
    (["deprecate", "m", "v7.0.0"], "No versions found for 'm' with version 'v7.0.0'"),
    (["deregister", "m", "v7.0.0", "--force"], "Can't deregister a version that have no git tags"),
    (["deprecate", "ghost"], "Cannot find artifact 'ghost'"),
    (["deprecate", "gone"], "Artifact was deprecated already"),
    (["deprecate", "gone", "--delete"], "Artifact was deprecated already"),
    (["deprecate", "m", "--force", "--simple", "true"], "Can't use 'force' with 'simple=True'"),
    # annotate / remove
    (["annotate", "x", "-e"], "`path` is required when `must_exist` is set to True"),
    (["annotate", "x", "--path", "nothing/here", "-e"], "Nothing found in 'nothing/here' for checked out commit"),
    (["annotate", "x", "--path", "models"],
     "Provided path conflicts with 'models/m.pkl' ('model' 'm'). Use --allow-same-path to allow it."),
    (["annotate", "x", "--label", "bad label"], INVALID_STAGE.format("bad label")),
    (["remove", "ghost"], "Cannot find artifact 'ghost'"),
]


@pytest.mark.parametrize("args, err", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_refused_and_changes_nothing(populated, args, err):
    refused(populated, *args, err=err)


def test_deregistered_version_errors(populated):
    r = populated
    sha = r.sha("HEAD~1")
    refused(r, "deprecate", "m", "v1.0.1", err=f"The version at ref '{sha}' was deregistered already")


@pytest.mark.parametrize("args", [
    ["register"], ["assign", "m"], ["register", "m", "--simple", "maybe"], ["deprecate"],
    ["unassign", "m", "v1.0.0"], ["register", "m", "--no-such-flag"],
])
def test_usage_errors_exit_2_and_change_nothing(populated, args):
    r = populated
    before = r.snapshot()
    res = r.gto(*args, check=2)
    assert res.out == "" and "usage: git gto" in res.err
    assert r.snapshot() == before


def test_not_a_repository(tmp_path):
    r = GtoRepo(tmp_path, "plain", init=False)
    r.path.mkdir()
    res = r.gto("register", "m", check=1)
    assert res.err.startswith("❌ Not a git repository")


def test_broken_gto_config_is_refused(repo):
    r = repo
    r.commit("cfg", {".gto": "stages: [dev, prod\n"})
    before = r.snapshot()
    res = r.gto("register", "m", check=1)
    assert res.err.startswith(f"❌ Wrong config file '{r.path / '.gto'}'")
    assert len(res.err_lines) == 1
    assert r.snapshot() == before
