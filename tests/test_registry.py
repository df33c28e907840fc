"""Registry rules (reference §4, DECISIONS §3-§4) on synthetic TagRecords, and
the parsing of `git for-each-ref` output."""

import random

import pytest

from gitgto import registry as R
from gitgto.errors import GTOError
from gitgto.records import TagRecord, parse_raw_date, parse_tag_records
from gitgto.workspace import CommitInfo


def sha(n):
    return f"{n:040x}"


C1, C2, C3 = sha(1), sha(2), sha(3)


class Tags:
    """Builds TagRecords with increasing tagger dates (like `repo.tag`)."""

    def __init__(self, t=1000):
        self.t = t
        self.records = []

    def __call__(self, name, commit=C1, at=None, annotated=True, message=None, tz="+0000"):
        if at is None:
            self.t += 1
            at = self.t
        self.records.append(TagRecord(name, annotated, sha(0xABC), commit, "GTO Tester", "t@example.com",
                                      at, tz, message or f"msg {name}"))
        return self

    def build(self, artifact=None, shuffle=True):
        records = self.records[:]
        if shuffle:  # git's listing order must never matter
            random.Random(len(records)).shuffle(records)
        return R.build(records, artifact)


def names(versions):
    return [v.name for v in versions]


def holders(art, **kw):
    return {stage: names(vs) for stage, vs in R.stage_holders(art, **kw).items() if vs}


def cell(art, version_name, **kw):
    """The stages one version shows in `show NAME` (its row's stage column)."""
    h = R.stage_holders(art, **kw)
    v = next(v for v in art.versions if v.name == version_name)
    return R.version_stages(v, h)


# -- versions: active, deregistered, revived ------------------------------------

def test_registration_makes_an_active_registered_version():
    reg = Tags()("rf@v1.0.0").build()
    art = reg.get("rf")
    (v,) = art.versions
    assert (v.name, v.commit, v.is_registered, v.is_active, v.discovered) == ("v1.0.0", C1, True, True, False)
    assert art.registered and art.is_active and art.display_name == "rf"
    assert R.latest(art) is v


def test_deregistered_version_is_inactive_hidden_and_not_latest():
    reg = Tags()("rf@v1.0.0")("rf@v1.1.0", C2)("rf@v1.1.0!", C2).build()
    art = reg.get("rf")
    assert names(R.listed_versions(art)) == ["v1.0.0"]
    assert names(R.listed_versions(art, active_only=False)) == ["v1.1.0", "v1.0.0"]
    assert R.latest(art).name == "v1.0.0"
    v = art.named("v1.1.0")
    assert v.is_registered and not v.is_active
    assert art.is_active  # deregistering a version leaves the artifact active


def test_deregistering_the_last_version_leaves_no_latest():
    art = Tags()("rf@v1.0.0")("rf@v1.0.0!").build().get("rf")
    assert R.latest(art) is None
    assert R.listed_versions(art) == []
    assert art.is_active


def test_reregistration_revives_a_deregistered_version():
    art = Tags()("rf@v1.0.0")("rf@v1.0.0!")("rf@v1.0.0#3").build().get("rf")
    (v,) = art.versions
    assert v.is_active and len(v.registrations) == 2
    assert v.authoring_event.ref == "rf@v1.0.0#3"  # the latest registration


def test_stages_of_a_deregistered_version_vanish():
    art = Tags()("rf@v1.0.0")("rf#prod#1")("rf@v1.0.0!").build().get("rf")
    assert holders(art) == {}
    assert R.active_stages(art) == set()


# -- deprecation -----------------------------------------------------------------

def test_deprecated_artifact_is_inactive():
    art = Tags()("rf@v1.0.0")("rf@deprecated").build().get("rf")
    assert not art.is_active
    assert art.registered


@pytest.mark.parametrize("later", ["rf@v1.1.0", "rf#prod#2", "rf#prod!#2"])
def test_any_later_event_revives_a_deprecated_artifact(later):
    t = Tags()("rf@v1.0.0")("rf#prod#1")("rf@deprecated")
    t(later, C2 if later.startswith("rf@v") else C1)
    assert t.build().get("rf").is_active


def test_a_later_commit_revives_a_deprecated_artifact_an_earlier_one_does_not():
    for commit_time, active in ((5000, True), (1000, False)):
        reg = Tags()("rf@v1.0.0")("rf@deprecated").build()
        R.add_commit_events(reg, {C1: CommitInfo(C1, commit_time, "+0000", "a", "a@x", "msg\n")})
        assert reg.get("rf").is_active is active


def test_only_deprecations_make_an_inactive_artifact():
    reg = Tags()("rf@deprecated").build()
    assert not reg.get("rf").is_active


# -- ordering: tagger date, then counter, then tag name (DECISIONS §3) -------------

def test_tagger_date_beats_counter():
    # the unassignment has the greater counter but is older
    art = Tags()("rf@v1.0.0", at=1)("rf#prod!#9", at=10)("rf#prod#2", at=20).build().get("rf")
    assert holders(art) == {"prod": ["v1.0.0"]}


def test_same_second_counter_decides():
    art = Tags()("rf@v1.0.0", at=1)("rf#prod#1", at=10)("rf#prod!#2", at=10).build().get("rf")
    assert holders(art) == {}
    art = Tags()("rf@v1.0.0", at=1)("rf#prod!#1", at=10)("rf#prod#2", at=10).build().get("rf")
    assert holders(art) == {"prod": ["v1.0.0"]}


def test_same_second_no_counter_tag_name_decides():
    # "rf#prod" < "rf#prod!": the unassignment is the later event
    art = Tags()("rf@v1.0.0", at=1)("rf#prod!", at=10)("rf#prod", at=10).build().get("rf")
    assert holders(art) == {}
    # "rf@v1.0.0" < "rf@v1.0.0!": the deregistration wins
    art = Tags()("rf@v1.0.0!", at=5)("rf@v1.0.0", at=5).build().get("rf")
    assert not art.versions[0].is_active


def test_same_second_deprecation_vs_version_event_by_counter_then_name():
    # "rf@deprecated" < "rf@v1.0.0": the registration is later, the artifact active
    assert Tags()("rf@v1.0.0", at=5)("rf@deprecated", at=5).build().get("rf").is_active
    # a greater counter on the deprecation makes it the later event
    art = Tags()("rf@v1.0.0", at=1)("rf#prod#3", at=5)("rf@deprecated#4", at=5).build().get("rf")
    assert not art.is_active


def test_time_zones_do_not_change_the_order():
    # timestamps are absolute; the +0200 tag is one second later in real time
    art = Tags()("rf@v1.0.0", at=1)("rf#prod#5", at=101, tz="+0200")("rf#prod!#1", at=100, tz="-0700") \
        .build().get("rf")
    assert holders(art) == {"prod": ["v1.0.0"]}


def test_history_order():
    t = Tags()("rf@v1.0.0", at=1)("nn@v0.1.0", at=2)("rf#prod#1", at=3)("rf#dev", at=3)("rf@deprecated#2", at=3)
    reg = t.build()
    refs = [e.ref for e in R.history(reg)]
    assert refs == ["rf@deprecated#2", "rf#prod#1", "rf#dev", "nn@v0.1.0", "rf@v1.0.0"]
    assert [e.ref for e in R.history(reg, ascending=True)] == refs[::-1]
    assert [e.ref for e in R.history(reg, "nn")] == ["nn@v0.1.0"]
    assert R.history(reg, "nope") == []


# -- what is ignored --------------------------------------------------------------

def test_lightweight_tags_are_ignored_but_counted():
    t = Tags()("rf@v1.0.0")("rf#prod#7", annotated=False)("nn@v1.0.0", annotated=False)
    reg = t.build()
    assert holders(reg.get("rf")) == {}
    assert "nn" not in reg.artifacts
    assert sorted(reg.ignored_lightweight) == ["nn@v1.0.0", "rf#prod#7"]
    assert R.next_counter(t.records, "rf") == 8


def test_created_tag_is_ignored():
    reg = Tags()("rf@created")("nn@v1.0.0")("nn@created#4").build()
    assert list(reg.artifacts) == ["nn"]
    assert len(reg.get("nn").events) == 1


def test_tags_that_do_not_point_at_a_commit_are_ignored():
    reg = Tags()("rf@v1.0.0", commit=None).build()
    assert reg.artifacts == {}


def test_non_gto_tags_are_ignored():
    reg = Tags()("v1.0.0")("release")("rf@v1")("rf@latest").build()
    assert reg.artifacts == {}
    with pytest.raises(GTOError, match="Cannot find artifact 'rf'"):
        reg.get("rf")


def test_build_for_one_artifact():
    reg = Tags()("rf@v1.0.0")("rf2@v1.0.0")("dir=rf@v1.0.0").build("rf")
    assert list(reg.artifacts) == ["rf"]
    reg = Tags()("rf@v1.0.0")("dir=rf@v1.0.0").build("dir:rf")
    assert list(reg.artifacts) == ["dir:rf"]


# -- two versions on one commit (DECISIONS §4) ---------------------------------------

def test_two_versions_on_one_commit_both_listed():
    art = Tags()("mo@v3.0.0")("mo@v3.1.0").build().get("mo")
    assert names(R.listed_versions(art)) == ["v3.1.0", "v3.0.0"]
    assert R.latest(art).name == "v3.1.0"


def test_assignment_on_a_commit_with_two_versions_goes_to_the_greatest_active():
    art = Tags()("mo@v1.0.0-rc.1")("mo@v1.0.0")("mo#prod#1").build().get("mo")
    assert holders(art) == {"prod": ["v1.0.0"]}
    art = Tags()("mo@v1.0.0-rc.1")("mo@v1.0.0")("mo@v1.0.0!")("mo#prod#1").build().get("mo")
    assert holders(art) == {"prod": ["v1.0.0-rc.1"]}


@pytest.mark.parametrize("tags, expected", [
    # assigned while only the candidate existed: the release registered later never takes it
    (["mo@v1.0.0-rc.1", "mo#prod#1", "mo@v1.0.0"], {"prod": ["v1.0.0-rc.1"]}),
    (["mo@v1.0.0-rc.1", "mo#prod#1", "mo@v1.0.0", "mo#dev#2"], {"dev": ["v1.0.0"], "prod": ["v1.0.0-rc.1"]}),
    # the release deregistered: the candidate is the greatest active one again
    (["mo@v1.0.0-rc.1", "mo@v1.0.0", "mo@v1.0.0!", "mo#dev#1", "mo@v1.0.0#2", "mo#qa#3"],
     {"dev": ["v1.0.0-rc.1"], "qa": ["v1.0.0"]}),
    # an unassignment goes to the version holding the stage then
    (["mo@v1.0.0-rc.1", "mo#prod#1", "mo@v1.0.0", "mo#dev#2", "mo#prod!#3"], {"dev": ["v1.0.0"]}),
    (["mo@v1.0.0-rc.1", "mo#prod#1", "mo@v1.0.0", "mo#dev#2", "mo#dev!#3"], {"prod": ["v1.0.0-rc.1"]}),
    # nothing active on the commit when assigned: the greatest active now, as before
    (["mo#prod#1", "mo@v1.0.0-rc.1", "mo@v1.0.0"], {"prod": ["v1.0.0"]}),
])
def test_an_assignment_belongs_to_the_greatest_version_active_when_it_was_made(tags, expected):
    t = Tags()
    for name in tags:
        t(name)
    assert holders(t.build().get("mo"), vs=-1) == expected


def test_assignment_without_registration_makes_one_unnamed_version():
    art = Tags()("sr#dev#1", C2)("sr#prod#2", C2).build().get("sr")
    (v,) = art.versions  # not one per tag (reference §10.8)
    assert v.name == C2 and not v.is_registered and v.discovered and v.is_active
    assert holders(art) == {"dev": [C2], "prod": [C2]}
    assert R.latest(art) is None
    assert names(R.listed_versions(art)) == [C2]
    assert v.authoring_event.ref == "sr#prod#2"


def test_registered_only_drops_unnamed_versions_from_stages():
    art = Tags()("rf@v1.0.0")("rf#prod#1", C1)("rf#prod#2", C2).build().get("rf")
    assert holders(art) == {"prod": [C2]}
    assert holders(art, registered_only=True) == {"prod": ["v1.0.0"]}


def test_a_registration_after_assignment_owns_the_assignment():
    # the passes: registrations first, so the later registration still names the version
    art = Tags()("rf#prod#1", C1)("rf@v1.0.0", C1).build().get("rf")
    assert holders(art) == {"prod": ["v1.0.0"]}
    assert len(art.versions) == 1


# -- stage resolution (reference §4.7; --av keeps the LATEST N, DECISIONS §4) ----------

def mo(*extra):
    """The worked example: v1.0.0 registered first, then v0.5.0 (older number, later tag)."""
    t = Tags()("mo@v1.0.0", C1)("mo@v0.5.0", C2)
    t("mo#dev#1", C2)("mo#staging#2", C1)("mo#prod#3", C2)("mo#dev#4", C1)
    for name, commit in extra:
        t(name, commit)
    return t.build().get("mo")


def test_mo_default_latest_assignment_wins():
    art = mo()
    assert R.latest(art).name == "v1.0.0"
    assert holders(art) == {"dev": ["v1.0.0"], "prod": ["v0.5.0"], "staging": ["v1.0.0"]}
    assert cell(art, "v1.0.0") == ["dev", "staging"]
    assert cell(art, "v0.5.0") == ["prod"]


def test_mo_vs_all():
    art = mo()
    assert holders(art, vs=-1) == {"dev": ["v1.0.0", "v0.5.0"], "prod": ["v0.5.0"], "staging": ["v1.0.0"]}
    assert cell(art, "v1.0.0", vs=-1) == ["dev", "staging"]
    assert cell(art, "v0.5.0", vs=-1) == ["dev", "prod"]


def test_mo_av1_keeps_each_versions_latest_stage():
    art = mo()
    # v1.0.0: staging(#2), dev(#4) -> dev; v0.5.0: dev(#1), prod(#3) -> prod
    assert holders(art, av=1, vs=-1) == {"dev": ["v1.0.0"], "prod": ["v0.5.0"]}
    assert cell(art, "v1.0.0", av=1, vs=-1) == ["dev"]
    assert cell(art, "v0.5.0", av=1, vs=-1) == ["prod"]


def test_av_zero_and_vs_zero_keep_nothing():
    art = mo()
    assert holders(art, av=0) == {}
    assert holders(art, vs=0) == {}
    assert holders(art, av=2, vs=-1) == holders(art, vs=-1)


def test_mo_unassigning_the_winner_falls_back():
    art = mo(("mo#dev!#5", C1))
    assert holders(art) == {"dev": ["v0.5.0"], "prod": ["v0.5.0"], "staging": ["v1.0.0"]}
    art = mo(("mo#dev!#5", C1), ("mo#dev!#6", C2))
    assert holders(art) == {"prod": ["v0.5.0"], "staging": ["v1.0.0"]}
    assert R.active_stages(art) == {"prod", "staging"}


def test_mo_deregistering_drops_its_stages():
    art = mo(("mo#dev!#5", C1), ("mo#dev!#6", C2), ("mo@v0.5.0!", C2))
    assert holders(art) == {"staging": ["v1.0.0"]}
    assert names(R.listed_versions(art)) == ["v1.0.0"]
    assert names(R.listed_versions(art, active_only=False)) == ["v1.0.0", "v0.5.0"]


def showcase():
    t = Tags()("rf@v1.2.3", C1)("rf@v1.2.4", C2)("nn@v0.0.1", C1)
    t("nn#staging#1", C1)("rf#production#1", C1)("rf#staging#2", C2)("rf#production#3", C2)
    t("rf#production#4", C1)
    return t.build()


def test_showcase():
    reg = showcase()
    rf = reg.get("rf")
    assert holders(rf) == {"production": ["v1.2.3"], "staging": ["v1.2.4"]}
    assert holders(rf, vs=-1) == {"production": ["v1.2.3", "v1.2.4"], "staging": ["v1.2.4"]}
    assert holders(rf, sort="semver") == {"production": ["v1.2.4"], "staging": ["v1.2.4"]}
    assert cell(rf, "v1.2.4", sort="semver") == ["staging", "production"]
    assert cell(rf, "v1.2.3", sort="semver") == []
    assert R.latest(rf).name == "v1.2.4"
    assert holders(reg.get("nn")) == {"staging": ["v0.0.1"]}


def test_sort_timestamp_orders_candidates_by_version_creation():
    reg = showcase()
    assert names(R.sort_versions(reg.get("rf").versions, "timestamp")) == ["v1.2.4", "v1.2.3"]
    assert names(R.sort_versions(reg.get("rf").versions, "semver")) == ["v1.2.4", "v1.2.3"]


@pytest.mark.parametrize("vs,av,message", [
    (-2, -1, "'versions_per_stage' must be >="), (1, -2, "'assignments_per_version' must be >= -1")])
def test_limits(vs, av, message):
    with pytest.raises(GTOError, match=message):
        R.stage_holders(mo(), vs=vs, av=av)


# -- counters -----------------------------------------------------------------------

def test_next_counter_is_per_artifact_across_kinds():
    t = Tags()("rf@v1.0.0")("rf#prod#1")("rf@v1.0.0!#4")("rf#dev")("rf2#prod#9")("dir=rf#prod#11")
    assert R.next_counter(t.records, "rf") == 5
    assert R.next_counter(t.records, "rf2") == 10
    assert R.next_counter(t.records, "dir:rf") == 12
    assert R.next_counter(t.records, "new") == 1
    assert R.next_counter(Tags()("rf#prod#0").records, "rf") == 1


# -- for-each-ref output -------------------------------------------------------------

def record_text(*fields):
    return "\0".join(fields) + "\0\n"


def full_record(name, objtype, oid, peeled, peeled_type, tagger, email, date, message, signed_name=None):
    """A record in read_tags' "full" field order (`signed_name`: the name
    inside the tag object, by default the ref's)."""
    if signed_name is None:
        signed_name = name if objtype == "tag" else ""
    return record_text(name, objtype, oid, peeled, peeled_type, date, tagger, email, signed_name, message)


def test_parse_tag_records():
    out = (
        full_record("rf@v1.0.0", "tag", "t1", C1, "commit", "GTO Tester", "<t@example.com>",
                    "1700000000 +0200", "Registering artifact rf version v1.0.0\n")
        + full_record("rf#prod#1", "commit", C2, "", "", "", "", "", "")
        + full_record("tree-tag@v1.0.0", "tag", "t3", "e" * 40, "tree", "X", "<x@y>", "1700000001 -0130",
                      "line one\nline two\n\n")
        + full_record("tag-of-tag@v1.0.0", "tag", "t4", "t1", "tag", "X", "<x@y>", "1700000002 +0000", "m")
        + full_record("odd@v1.0.0", "tag", "t5", C3, "commit", "", "", "", "")
    )
    recs = parse_tag_records(out, "full")
    assert [r.name for r in recs] == ["rf@v1.0.0", "rf#prod#1", "tree-tag@v1.0.0", "tag-of-tag@v1.0.0", "odd@v1.0.0"]
    a, b, c, d, e = recs
    assert (a.annotated, a.oid, a.commit, a.tagger, a.email, a.timestamp, a.tz, a.message) == \
        (True, "t1", C1, "GTO Tester", "t@example.com", 1700000000, "+0200", "Registering artifact rf version v1.0.0")
    assert a.signed_name == "rf@v1.0.0"
    assert (b.annotated, b.commit) == (False, C2)
    assert c.commit is None and c.message == "line one\nline two" and c.tz == "-0130"
    assert d.commit is None
    assert (e.timestamp, e.tz, e.email) == (0, "+0000", "")


def test_parse_tag_records_keeps_the_signed_name_and_drops_the_signature():
    signed = "msg\n-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"
    out = full_record("rf@v2.0.0", "tag", "t1", C1, "commit", "X", "<x@y>", "1700000000 +0000", signed,
                      signed_name="rf@v1.0.0")
    [rec] = parse_tag_records(out, "full")
    assert (rec.signed_name, rec.message) == ("rf@v1.0.0", "msg")


def test_parse_tag_records_state_fields_only():
    out = record_text("rf@v1.0.0", "tag", "t1", C1, "commit", "5 +0000")
    (r,) = parse_tag_records(out, "state")
    assert (r.name, r.commit, r.timestamp, r.message, r.tagger) == ("rf@v1.0.0", C1, 5, "", "")
    assert parse_tag_records("", "full") == []


@pytest.mark.parametrize("raw,expected", [
    ("1700000000 +0100", (1700000000, "+0100")), ("", (0, "+0000")), ("x +0100", (0, "+0000")),
    ("12 junk", (12, "+0000")), ("12", (12, "+0000")), (" 12 +0100", (12, "+0100")),
    ("18446744073709546616 +0000", (-5000, "+0000")), ("9223372036854775807 -0130", (2 ** 63 - 1, "-0130"))])
def test_parse_raw_date(raw, expected):
    assert parse_raw_date(raw) == expected


def test_read_tags_against_real_git(repo):
    """The format string and the parser agree on what git really prints."""
    from gitgto.git import Repo

    c1 = repo.commit("one")
    repo.tag("rf@v1.0.0", message="multi\nline\n")
    tagged_at = repo.clock.now
    repo.tag("rf#prod#1", lightweight=True)
    repo.git("tag", "-a", "blob-tag", "-m", "b", repo.git("hash-object", "-w", "--stdin", input="x"))
    repo.tag("nested@v1.0.0", ref="rf@v1.0.0", message="nested")
    import os

    old = dict(os.environ)
    os.environ.update(repo.env)
    try:
        recs = {r.name: r for r in Repo(str(repo.path)).read_tags()}
    finally:
        os.environ.clear()
        os.environ.update(old)
    r = recs["rf@v1.0.0"]
    assert (r.annotated, r.commit, r.message, r.tagger, r.email) == (True, c1, "multi\nline", "GTO Tester",
                                                                     "tester@example.com")
    assert r.timestamp == tagged_at and r.tz == "+0000"
    assert recs["rf#prod#1"].annotated is False
    assert recs["blob-tag"].commit is None
    assert recs["nested@v1.0.0"].commit is None
