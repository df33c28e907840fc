"""plan.py on synthetic tag records: the checks of reference §4.9 in their
order, with the changes of DECISIONS §4; tag forms (§2.7), counters (§2.6),
bumps (§3), --delete (§4.10) and default messages (§2.8). No git."""

import pytest

from gitgto import plan
from gitgto import registry as reg
from gitgto import tags as T
from gitgto.errors import GTOError
from gitgto.records import TagRecord

C1, C2, C3, C4 = ("1" * 40, "2" * 40, "3" * 40, "4" * 40)


class Tags:
    """Synthetic tags, each one second later than the previous one."""

    def __init__(self):
        self.records = []
        self.now = 1_700_000_000

    def add(self, name, commit=C1, lightweight=False, message=None):
        self.now += 1
        oid = format(len(self.records) + 1, "040x")
        if lightweight:
            self.records.append(TagRecord(name, False, commit, commit))
        else:
            self.records.append(TagRecord(name, True, oid, commit, "T", "t@example.invalid",
                                          self.now, "+0000", message or name))
        return self

    def req(self, artifact="m", message=None, simple="auto", force=False):
        return plan.Request(reg.build(self.records), self.records, artifact, message, simple, force)


def one(actions):
    assert len(actions) == 1, actions
    return actions[0]


def fails(message, fn, *args, **kwargs):
    """`fn` raises a GTOError whose text starts with `message`."""
    with pytest.raises(GTOError) as info:
        fn(*args, **kwargs)
    assert str(info.value).startswith(message), str(info.value)
    return str(info.value)


# -- register ------------------------------------------------------------------


def test_first_version_is_v0_0_1_simple_with_default_message():
    a = one(plan.plan_register(Tags().req(), C1))
    assert (a.tag, a.kind, a.commit, a.version, a.delete) == ("m@v0.0.1", T.REGISTRATION, C1, "v0.0.1", False)
    assert a.message == "Registering artifact m version v0.0.1"


@pytest.mark.parametrize("part", ["major", "minor", "patch"])
def test_bump_on_first_version_is_an_error(part):
    fails("Can't apply bump, because this is the first version being registered",
          plan.plan_register, Tags().req(), C1, None, part)


@pytest.mark.parametrize("latest, part, expected", [
    ("v1.3.4", None, "v1.3.5"),
    ("v1.3.4", "patch", "v1.3.5"),
    ("v1.3.4", "minor", "v1.4.0"),
    ("v1.3.4", "major", "v2.0.0"),
    ("v1.0.0-rc.1", None, "v1.0.1"),
    ("v1.0.0-rc.1", "minor", "v1.1.0"),
    ("v1.0.0+build.7", None, "v1.0.1"),
    ("v0.0.9", None, "v0.0.10"),
])
def test_bump_from_latest(latest, part, expected):
    t = Tags().add(f"m@{latest}", C1)
    assert one(plan.plan_register(t.req(), C2, None, part)).tag == f"m@{expected}"


def test_bump_uses_semver_precedence_not_time_and_release_beats_prerelease():
    t = Tags().add("m@v1.0.0", C1).add("m@v1.0.0-rc.2", C2).add("m@v0.9.0", C3)
    assert one(plan.plan_register(t.req(), C4)).version == "v1.0.1"


def test_bump_ignores_deregistered_versions_and_skips_used_names():
    t = Tags().add("m@v0.0.1", C1).add("m@v2.0.0", C2).add("m@v2.0.0!", C2)
    assert one(plan.plan_register(t.req(), C3)).version == "v0.0.2"
    t = Tags().add("m@v0.0.1", C1).add("m@v0.0.2", C2).add("m@v0.0.2!", C2).add("m@v0.0.3", C3).add("m@v0.0.3!", C3)
    # latest active is v0.0.1; v0.0.2 and v0.0.3 are taken (deregistered) names
    assert one(plan.plan_register(t.req(), C4)).version == "v0.0.4"


def test_explicit_version_and_message():
    a = one(plan.plan_register(Tags().req(message="my msg"), C1, "v3.4.5-pre.2+build.4"))
    assert (a.tag, a.message) == ("m@v3.4.5-pre.2+build.4", "my msg")


@pytest.mark.parametrize("bad", ["1.2.3", "v1", "v1.2", "V1.0.0", "v01.2.3", "latest", ""])
def test_unparseable_version(bad):
    fails(f"Supplied version '{bad}' cannot be parsed", plan.plan_register, Tags().req(), C1, bad)


def test_version_name_taken_at_another_commit_even_if_deregistered():
    t = Tags().add("m@v1.0.0", C1)
    fails("Version 'v1.0.0' already was registered.", plan.plan_register, t.req(), C2, "v1.0.0")
    t.add("m@v1.0.0!", C1)
    fails("Version 'v1.0.0' already was registered.", plan.plan_register, t.req(), C2, "v1.0.0")


def test_commit_with_active_version_needs_force():
    t = Tags().add("m@v0.0.1", C1)
    fails("'m' is already registered in this commit with version 'v0.0.1'", plan.plan_register, t.req(), C1)
    fails("'m' is already registered in this commit with version 'v0.0.1'",
          plan.plan_register, t.req(), C1, "v0.0.1")


def test_force_adds_a_second_version_on_a_registered_commit():
    t = Tags().add("m@v1.0.0-rc.1", C1)
    a = one(plan.plan_register(t.req(force=True), C1, "v1.0.0"))
    assert (a.tag, a.commit) == ("m@v1.0.0", C1)
    # without --version: the next version
    assert one(plan.plan_register(t.req(force=True), C1)).tag == "m@v1.0.1"
    # the same version again is still refused
    fails("'m' is already registered in this commit with version 'v1.0.0-rc.1'",
          plan.plan_register, t.req(force=True), C1, "v1.0.0-rc.1")


def test_deregistered_commit_keeps_its_name():
    t = Tags().add("m@v0.0.1", C1).add("m@v0.0.1!", C1)
    fails("For this REF you can only register v0.0.1", plan.plan_register, t.req(), C1, "v0.0.2")
    # no --version: the old name again, which gto 1.x cannot read twice: only with --force
    fails("Version 'v0.0.1' was deregistered on this commit: registering it again makes a second "
          "registration of one version, which gto 1.x cannot read", plan.plan_register, t.req(), C1)
    fails("Version 'v0.0.1' was deregistered on this commit", plan.plan_register, t.req(), C1, "v0.0.1")
    a = one(plan.plan_register(t.req(force=True), C1))
    assert (a.tag, a.version) == ("m@v0.0.1#1", "v0.0.1")  # the simple tag exists: auto takes the counter
    assert a.warning == "--force: 'm' now has two registrations of v0.0.1, which gto 1.x cannot read"
    fails("tag 'm@v0.0.1' already exists", plan.plan_register, t.req(simple="true", force=True), C1)
    a = one(plan.plan_register(t.req(force=True), C1, "v0.0.2"))
    assert a.tag == "m@v0.0.2"
    assert a.warning == ("--force: 'm' now has 2 versions on commit 1111111 (v0.0.1, v0.0.2), "
                         "which gto 1.x cannot read once a stage is assigned there")


def test_second_version_on_a_commit_needs_force_and_warns():
    t = Tags().add("m@v1.0.0-rc.1", C1)
    fails("'m' is already registered in this commit with version 'v1.0.0-rc.1'", plan.plan_register,
          t.req(), C1, "v1.0.0")
    assert one(plan.plan_register(t.req(force=True), C1, "v1.0.0")).warning.startswith(
        "--force: 'm' now has 2 versions on commit 1111111 (v1.0.0-rc.1, v1.0.0)")
    assert one(plan.plan_register(t.req(force=True), C2, "v1.0.0")).warning is None


@pytest.mark.parametrize("tags, expected", [
    (["m@v0.0.1", "m@v0.0.1!"], "v0.0.2"),                          # the only version, deregistered
    (["m@v0.0.1", "m@v0.0.1!", "m@v0.0.2", "m@v0.0.2!"], "v0.0.3"),
    (["m@v0.0.1", "m@v0.0.1!", "m@deprecated"], "v0.0.2"),
])
def test_auto_bump_skips_deregistered_names_when_no_version_is_active(tags, expected):
    t = Tags()
    for i, name in enumerate(tags):
        t.add(name, (C1, C2)[i // 2 % 2])
    a = one(plan.plan_register(t.req(), C3))
    assert (a.version, a.warning) == (expected, None)


@pytest.mark.parametrize("simple, expected", [("auto", "m@v0.0.1"), ("true", "m@v0.0.1"), ("false", "m@v0.0.1#1")])
def test_register_simple_forms(simple, expected):
    assert one(plan.plan_register(Tags().req(simple=simple), C1)).tag == expected


def test_register_counter_form_uses_next_counter():
    t = Tags().add("m@v0.0.1", C1).add("m#prod#4", C1)
    assert one(plan.plan_register(t.req(simple="false"), C2)).tag == "m@v0.0.2#5"


# -- assign --------------------------------------------------------------------


def test_assign_registered_version_counter_form_and_message():
    t = Tags().add("m@v0.0.1", C1)
    a = one(plan.plan_assign(t.req(), "prod", version="v0.0.1"))
    assert (a.tag, a.kind, a.commit, a.version) == ("m#prod#1", T.ASSIGNMENT, C1, "v0.0.1")
    assert a.message == "Assigning stage prod to artifact m version v0.0.1"


@pytest.mark.parametrize("simple, expected", [("auto", "m#prod#1"), ("false", "m#prod#1"), ("true", "m#prod")])
def test_assign_simple_forms(simple, expected):
    t = Tags().add("m@v0.0.1", C1)
    assert one(plan.plan_assign(t.req(simple=simple), "prod", version="v0.0.1")).tag == expected


def test_assign_simple_true_twice_fails_even_with_force():
    t = Tags().add("m@v0.0.1", C1).add("m#prod", C1).add("m#prod!", C1)
    fails("tag 'm#prod' already exists", plan.plan_assign, t.req(simple="true"), "prod", version="v0.0.1")
    fails("tag 'm#prod' already exists", plan.plan_assign, t.req(simple="true", force=True),
          "prod", version="v0.0.1")


@pytest.mark.parametrize("bad", ["1.0.0", "v1", "x"])
def test_assign_invalid_version(bad):
    t = Tags().add("m@v0.0.1", C1)
    fails(f"Version '{bad}' is not valid. Example of valid version: 'v1.0.0'",
          plan.plan_assign, t.req(), "prod", version=bad)
    fails(f"Version '{bad}' is not valid. Example of valid version: 'v1.0.0'",
          plan.plan_assign, t.req(), "prod", commit=C2, version=bad)


def test_assign_version_with_skip_registration():
    fails("You either need to supply version name or skip registration",
          plan.plan_assign, Tags().req(), "prod", commit=C1, version="v1.0.0", skip_registration=True)


def test_assign_unknown_version():
    t = Tags().add("m@v0.0.1", C1)
    fails("Version 'v9.9.9' is not registered", plan.plan_assign, t.req(), "prod", version="v9.9.9")
    fails("Version 'v9.9.9' is not registered", plan.plan_assign, Tags().req(), "prod", version="v9.9.9")


def test_assign_finds_deregistered_version():
    t = Tags().add("m@v0.0.1", C1).add("m@v0.0.1!", C1)
    fails("Version 'v0.0.1' was deregistered", plan.plan_assign, t.req(), "prod", version="v0.0.1")  # issue 17
    assert one(plan.plan_assign(t.req(force=True), "prod", version="v0.0.1")).commit == C1


def test_assign_ref_with_other_version_at_registered_commit():
    t = Tags().add("m@v0.0.1", C1)
    fails("Can't register 'v1.0.0', since 'v0.0.1' is registered already at this ref",
          plan.plan_assign, t.req(), "prod", commit=C1, version="v1.0.0")
    # the same name is fine
    assert one(plan.plan_assign(t.req(), "prod", commit=C1, version="v0.0.1")).tag == "m#prod#1"


def test_assign_ref_auto_registers_first_always_simple():
    t = Tags().add("m@v0.0.1", C1).add("m#dev#3", C1)
    for simple in ("auto", "false"):
        reg_action, assign_action = plan.plan_assign(t.req(simple=simple), "prod", commit=C2)
        assert (reg_action.tag, reg_action.commit, reg_action.kind) == ("m@v0.0.2", C2, T.REGISTRATION)
        assert reg_action.message == "Registering artifact m version v0.0.2"
        assert (assign_action.tag, assign_action.version) == ("m#prod#4", "v0.0.2")
    reg_action, assign_action = plan.plan_assign(t.req(simple="true"), "prod", commit=C2, version="v5.0.0")
    assert (reg_action.tag, assign_action.tag) == ("m@v5.0.0", "m#prod")


def test_assign_ref_auto_registration_first_version_and_message_option():
    r, a = plan.plan_assign(Tags().req(message="why"), "prod", commit=C1)
    assert (r.tag, a.tag, r.message, a.message) == ("m@v0.0.1", "m#prod#1", "why", "why")


def test_assign_skip_registration_uses_the_commit_as_version():
    a = one(plan.plan_assign(Tags().req(), "prod", commit=C1, skip_registration=True))
    assert (a.tag, a.version) == ("m#prod#1", C1)
    assert a.message == f"Assigning stage prod to artifact m version {C1}"


def test_assign_already_in_stage_needs_force():
    t = Tags().add("m@v0.0.1", C1).add("m#prod#1", C1)
    fails("Version 'v0.0.1' is already in stage 'prod'. Use the '--force' flag to create a new Git tag "
          "nevertheless.", plan.plan_assign, t.req(), "prod", version="v0.0.1")
    fails("Version 'v0.0.1' is already in stage 'prod'.", plan.plan_assign, t.req(), "prod", commit=C1)
    assert one(plan.plan_assign(t.req(force=True), "prod", version="v0.0.1")).tag == "m#prod#2"


def test_already_in_stage_looks_at_the_current_state():
    # DECISIONS §4: prod moved to v0.0.2; giving it back to v0.0.1 needs no --force
    t = Tags().add("m@v0.0.1", C1).add("m@v0.0.2", C2).add("m#prod#1", C1).add("m#prod#2", C2)
    assert one(plan.plan_assign(t.req(), "prod", version="v0.0.1")).tag == "m#prod#3"
    fails("Version 'v0.0.2' is already in stage 'prod'.", plan.plan_assign, t.req(), "prod", version="v0.0.2")
    # an unassigned stage can be assigned again without --force
    t = Tags().add("m@v0.0.1", C1).add("m#prod#1", C1).add("m#prod!#2", C1)
    assert one(plan.plan_assign(t.req(), "prod", version="v0.0.1")).tag == "m#prod#3"


# -- unassign (deprecate NAME VERSION STAGE) -----------------------------------


def test_unassign_counter_form_and_message():
    t = Tags().add("m@v0.0.1", C1).add("m#prod#1", C1)
    a = one(plan.plan_unassign(t.req(), "v0.0.1", "prod"))
    assert (a.tag, a.kind, a.commit, a.version) == ("m#prod!#2", T.UNASSIGNMENT, C1, "v0.0.1")
    assert a.message == "Unassigning stage 'prod' to artifact 'm' version 'v0.0.1'"
    assert one(plan.plan_unassign(t.req(simple="true"), "v0.0.1", "prod")).tag == "m#prod!"
    assert one(plan.plan_unassign(t.req(simple="false"), "v0.0.1", "prod")).tag == "m#prod!#2"


def test_unassign_checks_in_order():
    t = Tags().add("m@v0.0.1", C1).add("m#prod#1", C1)
    fails("Version '1.0' is not valid. Example of valid version: 'v1.0.0'",
          plan.plan_unassign, Tags().req(), "1.0", "prod")
    fails("Cannot find artifact 'm'", plan.plan_unassign, Tags().req(), "v0.0.1", "prod")
    fails("No versions found for 'm'", plan.plan_unassign, t.req(), "v0.0.2", "prod")
    fails("Stage 'qa' is not assigned to a version 'v0.0.1'", plan.plan_unassign, t.req(), "v0.0.1", "qa")


def test_unassign_twice_is_an_error():
    # DECISIONS §4: the version is not in that stage any more
    t = Tags().add("m@v0.0.1", C1).add("m#prod#1", C1).add("m#prod!#2", C1)
    fails("Stage 'prod' is not assigned to a version 'v0.0.1'", plan.plan_unassign, t.req(), "v0.0.1", "prod")


def test_unassign_delete_removes_only_that_version_and_stage_oldest_first():
    t = (Tags().add("m@v0.0.1", C1).add("m@v0.0.2", C2).add("m#prod#1", C1).add("m#dev#2", C1)
         .add("m#prod#3", C2).add("m#prod!#4", C1).add("m#prod#5", C1))
    actions = plan.plan_unassign(t.req(), "v0.0.1", "prod", delete=True)
    assert [a.tag for a in actions] == ["m#prod#1", "m#prod!#4", "m#prod#5"]
    assert all(a.delete for a in actions)
    oids = {r.name: r.oid for r in t.records}
    assert [a.oid for a in actions] == [oids[a.tag] for a in actions]
    fails("Stage 'qa' is not assigned to a version 'v0.0.1'",
          plan.plan_unassign, t.req(), "v0.0.1", "qa", delete=True)


# -- deregister (deprecate NAME VERSION) ---------------------------------------


def test_deregister_simple_and_message():
    t = Tags().add("m@v0.0.1", C1)
    a = one(plan.plan_deregister(t.req(), "v0.0.1"))
    assert (a.tag, a.kind, a.commit) == ("m@v0.0.1!", T.DEREGISTRATION, C1)
    assert a.message == "Deregistering artifact m version v0.0.1"
    assert one(plan.plan_deregister(t.req(simple="true"), "v0.0.1")).tag == "m@v0.0.1!"
    assert one(plan.plan_deregister(t.req(simple="false"), "v0.0.1")).tag == "m@v0.0.1!#1"


def test_deregister_checks():
    fails("Version 'x' is not valid.", plan.plan_deregister, Tags().req(), "x")
    t = Tags().add("m@v0.0.1", C1)
    fails("No versions found for 'm'", plan.plan_deregister, t.req(), "v0.0.2")
    fails("Can't deregister a version that have no git tags", plan.plan_deregister, t.req(force=True), "v0.0.2")
    t.add("m@v0.0.1!", C1)
    fails(f"The version at ref '{C1}' was deregistered already", plan.plan_deregister, t.req(), "v0.0.1")
    only_dereg = Tags().add("m@v0.0.1!", C2)
    fails(f"The version at ref '{C2}' is not registered", plan.plan_deregister, only_dereg.req(), "v0.0.1")


def test_deregister_again_auto_takes_counter_form_with_force():
    t = Tags().add("m@v0.0.1", C1).add("m@v0.0.1!", C1).add("m@v0.0.1#1", C1)
    assert one(plan.plan_deregister(t.req(), "v0.0.1")).tag == "m@v0.0.1!#2"


def test_deregister_delete_removes_every_tag_of_the_version():
    t = (Tags().add("m@v0.0.1", C1).add("m@v0.0.2", C2).add("m#prod#1", C1).add("m#prod#2", C2)
         .add("m#dev#3", C1).add("m#dev!#4", C1).add("m@v0.0.1!", C1))
    actions = plan.plan_deregister(t.req(), "v0.0.1", delete=True)
    assert [a.tag for a in actions] == ["m@v0.0.1", "m#prod#1", "m#dev#3", "m#dev!#4", "m@v0.0.1!"]


# -- deprecate NAME ------------------------------------------------------------


def test_deprecate_simple_on_latest_event_commit_and_message():
    t = Tags().add("m@v0.0.1", C1).add("m@v0.0.2", C2).add("m#prod#1", C1)
    a = one(plan.plan_deprecate(t.req(), head=C4))
    assert (a.tag, a.kind, a.commit) == ("m@deprecated", T.DEPRECATION, C1)
    assert a.message == "Deprecating artifact 'm'"
    assert one(plan.plan_deprecate(t.req(), commit=C3, head=C4)).commit == C3


def test_deprecate_forms():
    t = Tags().add("m@v0.0.1", C1).add("m#prod#1", C1)
    assert one(plan.plan_deprecate(t.req(simple="true"), head=C4)).tag == "m@deprecated"
    assert one(plan.plan_deprecate(t.req(simple="false"), head=C4)).tag == "m@deprecated#2"
    assert one(plan.plan_deprecate(t.req(force=True), head=C4)).tag == "m@deprecated#2"
    assert one(plan.plan_deprecate(t.req(force=True, simple="false"), head=C4)).tag == "m@deprecated#2"
    fails("Can't use 'force' with 'simple=True'", plan.plan_deprecate, t.req(force=True, simple="true"), head=C4)


def test_deprecate_checks():
    fails("Cannot find artifact 'm'", plan.plan_deprecate, Tags().req(), head=C4)
    t = Tags().add("m@v0.0.1", C1).add("m@deprecated", C1)
    fails("Artifact was deprecated already", plan.plan_deprecate, t.req(), head=C4)
    fails("Artifact was deprecated already", plan.plan_deprecate, t.req(simple="false"), head=C4)
    fails("Artifact was deprecated already", plan.plan_deprecate, t.req(), head=C4, delete=True)
    assert one(plan.plan_deprecate(t.req(force=True), head=C4)).tag == "m@deprecated#1"


def test_deprecate_force_on_unknown_artifact_tags_head():
    a = one(plan.plan_deprecate(Tags().req(force=True), head=C4))
    assert (a.tag, a.commit) == ("m@deprecated#1", C4)


def test_deprecate_again_after_revival_takes_the_counter_form():
    t = Tags().add("m@v0.0.1", C1).add("m@deprecated", C1).add("m@v0.0.2", C2)
    assert one(plan.plan_deprecate(t.req(), head=C4)).tag == "m@deprecated#1"


def test_deprecate_delete_removes_every_tag_of_the_artifact_oldest_first():
    t = (Tags().add("m@v0.0.1", C1).add("m#prod#1", C1).add("m@v0.0.1!", C1).add("m@v0.0.2", C2)
         .add("m#prod!#2", C1))
    actions = plan.plan_deprecate(t.req(), head=C4, delete=True)
    assert [a.tag for a in actions] == ["m@v0.0.1", "m#prod#1", "m@v0.0.1!", "m@v0.0.2", "m#prod!#2"]
    t.add("m@deprecated", C2)
    actions = plan.plan_deprecate(t.req(force=True), head=C4, delete=True)
    assert [a.tag for a in actions][-1] == "m@deprecated" and len(actions) == 6


# -- look-alike names and --delete ---------------------------------------------


def lookalikes():
    t = Tags()
    for art in ("model", "model-2", "dir=model", "model/sub", "Model"):
        t.add(f"{art}@v0.0.1", C1).add(f"{art}#prod#1", C1).add(f"{art}#prod!#2", C1).add(f"{art}#prod#3", C1)
    return t


@pytest.mark.parametrize("artifact, prefix", [("model", "model"), ("model-2", "model-2"),
                                              ("dir:model", "dir=model"), ("model/sub", "model/sub")])
def test_delete_never_touches_look_alike_artifacts(artifact, prefix):
    t = lookalikes()
    mine = {f"{prefix}@v0.0.1", f"{prefix}#prod#1", f"{prefix}#prod!#2", f"{prefix}#prod#3"}
    for actions in (plan.plan_deprecate(t.req(artifact), head=C4, delete=True),
                    plan.plan_deregister(t.req(artifact), "v0.0.1", delete=True)):
        assert {a.tag for a in actions} == mine
    stage = {a.tag for a in plan.plan_unassign(t.req(artifact), "v0.0.1", "prod", delete=True)}
    assert stage == mine - {f"{prefix}@v0.0.1"}


# -- counters --------------------------------------------------------------------


def test_counter_is_per_artifact_over_all_kinds_lightweight_included():
    t = Tags().add("m@v0.0.1", C1)
    assert reg.next_counter(t.records, "m") == 1
    t.add("m@v0.0.2#3", C2)
    assert reg.next_counter(t.records, "m") == 4
    t.add("m@deprecated#5", C2)
    assert reg.next_counter(t.records, "m") == 6
    t.add("m#x!#7", C2, lightweight=True)
    assert reg.next_counter(t.records, "m") == 8
    t.add("m#prod", C2).add("m@v0.0.9", C2)  # simple tags carry no counter
    assert reg.next_counter(t.records, "m") == 8
    t.add("m-2#prod#50", C1).add("dir=m#prod#60", C1).add("M#prod#70", C1).add("m/a#prod#80", C1)
    assert reg.next_counter(t.records, "m") == 8
    assert reg.next_counter(t.records, "dir:m") == 61
    assert reg.next_counter(t.records, "m-2") == 51


def test_counter_used_in_created_tags_counts_lightweight_tags():
    t = Tags().add("m@v0.0.1", C1).add("m#prod#9", C1, lightweight=True)
    assert one(plan.plan_assign(t.req(), "prod", version="v0.0.1")).tag == "m#prod#10"
    # the lightweight tag itself does not put v0.0.1 in prod
    assert reg.stage_holders(t.req().art) == {}


def test_dir_name_artifacts_are_written_with_equals():
    t = Tags().add("dir/sub=m@v0.0.1", C1)
    req = t.req("dir/sub:m")
    assert one(plan.plan_register(req, C2)).tag == "dir/sub=m@v0.0.2"
    a = one(plan.plan_assign(req, "prod", version="v0.0.1"))
    assert (a.tag, a.message) == ("dir/sub=m#prod#1", "Assigning stage prod to artifact dir/sub:m version v0.0.1")
    assert one(plan.plan_register(t.req("m"), C1)).tag == "m@v0.0.1"


def test_counter_values_can_be_reused_after_delete():
    t = Tags().add("m@v0.0.1", C1).add("m#prod#1", C1)
    assert one(plan.plan_assign(t.req(force=True), "prod", version="v0.0.1")).tag == "m#prod#2"
    t.records = [r for r in t.records if r.name != "m#prod#1"]
    assert one(plan.plan_assign(t.req(), "prod", version="v0.0.1")).tag == "m#prod#1"


@pytest.mark.parametrize("now,latest,expected", [
    ((100, "+0200"), None, (100, "+0200")),   # a first event: the clock as it is
    ((100, "+0200"), 99, (100, "+0200")),     # the clock moved past the latest event
    ((100, "+0200"), 100, (101, "+0200")),    # same second: one later
    ((100, "+0000"), 250, (251, "+0000")),    # the latest event is in the future
])
def test_tag_date_never_ties(now, latest, expected):
    assert plan.tag_date(now, latest) == expected
