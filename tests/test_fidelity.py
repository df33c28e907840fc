"""Drop-in fidelity (DECISIONS §4, §5): writes that never tie, release
candidates that keep their past, the interoperability rule, auto-bump past
deregistered names, shortcuts with any stage name, values echoed as typed.
Everything runs the real `git gto …`; gto 1.10.1 itself is in test_interop.py."""

import json

import pytest

from gtorepo import GtoRepo


@pytest.fixture
def r(tmp_path):
    repo = GtoRepo(tmp_path)
    repo.commit("init")
    return repo


def tag_time(r, tag):
    return int(r.tag_info(tag)[3].split()[0])


# -- writes never tie --------------------------------------------------------------


def test_three_writes_in_one_second_keep_their_order(r):
    """register, deregister, deprecate from a script within one second: the
    deprecation is the latest event, so the artifact is gone."""
    r.gto("register", "m")
    r.gto("deregister", "m", "v0.0.1")
    r.gto("deprecate", "m")
    times = [tag_time(r, t) for t in ("m@v0.0.1", "m@v0.0.1!", "m@deprecated")]
    assert times == [r.now, r.now + 1, r.now + 2]
    assert [e["ref"] for e in json.loads(r.gto("history", "m", "--json").out)] == \
        ["m@deprecated", "m@v0.0.1!", "m@v0.0.1"]
    assert r.gto("show", "--name").out == ""


def test_a_rollback_in_the_same_second_leaves_the_older_version_in_prod(r):
    r.gto("register", "m")
    r.commit("2")
    r.gto("register", "m")
    r.gto("assign", "m", "--version", "v0.0.2", "--stage", "prod")
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "prod")  # same GIT_COMMITTER_DATE
    assert r.gto("show", "m#prod", "--version").out == "v0.0.1\n"
    assert json.loads(r.gto("show", "--json").out)["m"]["stage"] == {"prod": "v0.0.1"}


def test_assign_that_registers_dates_the_registration_first(r):
    r.gto("assign", "m", "--stage", "dev")
    assert tag_time(r, "m#dev#1") == tag_time(r, "m@v0.0.1") + 1 == r.now + 1


def test_a_moving_clock_is_not_touched(r):
    """Only a write that would tie is moved: later clocks and their offsets
    are git's own (GIT_COMMITTER_DATE in any format git reads)."""
    r.gto("register", "m")
    r.gto("assign", "m", "--stage", "dev", env={"GIT_COMMITTER_DATE": "2030-01-01T10:00:00+02:00"})
    assert r.tag_info("m#dev#1")[3] == "1893484800 +0200"
    r.gto("assign", "m", "--stage", "prod")  # the clock is now before the latest event
    assert r.tag_info("m#prod#2")[3] == "1893484801 +0000"


def test_other_artifacts_do_not_move_the_date(r):
    r.gto("register", "a")
    r.gto("register", "b")
    assert tag_time(r, "a@v0.0.1") == tag_time(r, "b@v0.0.1") == r.now


# -- the interoperability rule and auto-bump ------------------------------------------


def test_register_after_deregistering_the_only_version_takes_the_next_free_name(r):
    r.gto("register", "m")
    r.gto("deregister", "m", "v0.0.1")
    r.commit("2")
    assert r.gto("register", "m").lines[0] == "Created git tag 'm@v0.0.2' that registers version"


def test_forced_writes_gto_cannot_read_say_so_also_in_a_dry_run(r):
    r.gto("register", "m")
    r.gto("deregister", "m", "v0.0.1")
    before = r.snapshot()
    res = r.gto("register", "m", "--force", "--dry-run")
    assert res.lines == ["Would have created git tag 'm@v0.0.1#1' that registers version"]
    assert res.err == "warning: --force: 'm' now has two registrations of v0.0.1, which gto 1.x cannot read\n"
    assert r.snapshot() == before


def test_writes_that_gto_can_read_print_nothing_on_stderr(r):
    for args in (["register", "m"], ["assign", "m", "--stage", "dev"], ["unassign", "m", "v0.0.1", "dev"],
                 ["deregister", "m", "v0.0.1"], ["deprecate", "m"]):
        assert r.gto(*args).err == ""


# -- a release candidate keeps its past -----------------------------------------------


@pytest.fixture
def rc(r):
    """v1.0.0-rc.1 assigned to qa and prod, then v1.0.0 --force on the same commit."""
    r.gto("register", "m", "--version", "v1.0.0-rc.1")
    r.gto("assign", "m", "--version", "v1.0.0-rc.1", "--stage", "qa")
    r.gto("assign", "m", "--version", "v1.0.0-rc.1", "--stage", "prod")
    r.gto("register", "m", "--version", "v1.0.0", "--force")
    return r


def test_stages_assigned_before_the_release_stay_with_the_candidate(rc):
    assert rc.gto("show", "m#prod", "--version").out == "v1.0.0-rc.1\n"
    assert json.loads(rc.gto("show", "--json").out)["m"] == {
        "version": "v1.0.0", "stage": {"prod": "v1.0.0-rc.1", "qa": "v1.0.0-rc.1"},
        "registered": True, "active": True}
    assert [(e["ref"], e["version"]) for e in json.loads(rc.gto("history", "m", "--json").out)] == [
        ("m@v1.0.0", "v1.0.0"), ("m#prod#2", "v1.0.0-rc.1"), ("m#qa#1", "v1.0.0-rc.1"),
        ("m@v1.0.0-rc.1", "v1.0.0-rc.1")]
    assert rc.gto("check-ref", "m#prod#2", "--version").out == "v1.0.0-rc.1\n"


def test_a_new_assignment_belongs_to_the_release_and_says_so(rc):
    res = rc.gto("assign", "m", "HEAD", "--stage", "dev", "--force")  # (gto 1.x cannot read it: issue 17)
    assert res.lines[0] == "Created git tag 'm#dev#3' that assigns stage to version 'v1.0.0'"
    assert rc.tag_message("m#dev#3") == "Assigning stage dev to artifact m version v1.0.0\n\n"
    assert rc.gto("show", "m#dev", "--version").out == "v1.0.0\n"
    assert rc.gto("show", "m#prod", "--version").out == "v1.0.0-rc.1\n"
    rc.gto("assign", "m", "--version", "v1.0.0", "--stage", "prod", "--force")
    assert rc.gto("show", "m#prod", "--version").out == "v1.0.0\n"


def test_assigning_the_candidate_after_its_release_is_refused(rc):
    before = rc.snapshot()
    res = rc.gto("assign", "m", "--version", "v1.0.0-rc.1", "--stage", "dev", check=1)
    assert res.err == (f"❌ Version 'v1.0.0-rc.1' cannot be assigned a stage: a stage tag names only a commit, "
                       f"and on commit {rc.sha()[:7]} it would belong to 'v1.0.0', the greatest version "
                       f"active there\n")
    rc.gto("assign", "m", "--version", "v1.0.0-rc.1", "--stage", "dev", "--force", check=1)
    assert rc.snapshot() == before


def test_unassigning_the_candidate_takes_its_own_stage(rc):
    res = rc.gto("unassign", "m", "v1.0.0-rc.1", "prod", "--force")
    assert res.lines[0] == "Created git tag 'm#prod!#3' that unassigns stage from version 'v1.0.0-rc.1'"
    assert rc.gto("show", "m#prod", "--version").out == ""
    assert rc.gto("show", "m#qa", "--version").out == "v1.0.0-rc.1\n"
    assert rc.gto("check-ref", "m#prod!#3", "--version").out == "v1.0.0-rc.1\n"


def test_after_the_release_is_deregistered_the_candidate_takes_new_stages(rc):
    rc.gto("deregister", "m", "v1.0.0")
    res = rc.gto("assign", "m", "--version", "v1.0.0-rc.1", "--stage", "dev", "--force")
    assert res.lines[0] == "Created git tag 'm#dev#3' that assigns stage to version 'v1.0.0-rc.1'"
    assert rc.gto("show", "m#dev", "--version").out == "v1.0.0-rc.1\n"


# -- stage names with '/' ----------------------------------------------------------------


@pytest.mark.parametrize("stage", ["a/b", "team/ml/prod"])
def test_every_shortcut_and_per_artifact_read_takes_a_stage_with_a_slash(r, stage):
    r.gto("register", "m")
    r.gto("assign", "m", "--stage", stage)
    tag = f"m#{stage}#1"
    assert r.gto("show", f"m#{stage}", "--version").out == "v0.0.1\n"
    assert r.gto("show", f"m#{stage}", "--ref").out == "m@v0.0.1\n"
    assert r.gto("show", "m", "--stage").out == f"{stage}\n"
    assert [s["stage"] for s in json.loads(r.gto("show", "m", "--json").out)[0]["stages"]] == [stage]
    assert [e["ref"] for e in json.loads(r.gto("history", "m", "--json").out)][0] == tag
    assert r.gto("check-ref", tag, "--stage").out == f"{stage}\n"
    assert r.gto("describe", f"m#{stage}").code == 0
    r.gto("unassign", "m", "v0.0.1", stage)
    assert r.gto("show", f"m#{stage}", "--version").out == ""
    # counters see the tags with '/' too
    assert r.gto("assign", "m", "--stage", "dev").lines[0].startswith("Created git tag 'm#dev#3'")


# -- values as typed ------------------------------------------------------------------------


@pytest.mark.parametrize("args, shown", [
    (["register", "модель"], "Invalid artifact name 'модель'"),
    (["show", "modèle ✅"], "Invalid artifact name 'modèle ✅'"),
    (["history", "模型"], "Invalid artifact name '模型'"),
    (["assign", "m", "--stage", "prod✓"], "Invalid value 'prod✓'"),
    (["annotate", "m", "--label", "étiquette"], "Invalid value 'étiquette'"),
    # what cannot be printed is still escaped: one line, no terminal control
    (["register", "a\tb"], "Invalid artifact name 'a\\tb'"),
    (["register", "a\x1b[31mb"], "Invalid artifact name 'a\\x1b[31mb'"),
])
def test_errors_echo_values_as_typed(r, args, shown):
    res = r.gto(*args, check=1)
    assert res.err.startswith("❌ " + shown) and res.err.count("\n") == 1, res
