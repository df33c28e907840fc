"""show, history and check-ref through the real `git gto` executable, in
repositories written the way the original GTO writes them (`git tag -a`)."""

import datetime
import json

import pytest


def utc(ts):
    return str(datetime.datetime.fromtimestamp(ts, datetime.timezone.utc))


def iso(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).isoformat()


def plain(res):
    """--plain output as a list of rows (lists of cells)."""
    return [line.split("\t") for line in res.out.splitlines()]


def lines(res):
    return res.out.splitlines()


ANNOTATIONS = """\
features:
  type: dataset
  path: data/features.csv
nn:
  type: model
  path: models/nn.pkl
"""


@pytest.fixture
def showcase(repo):
    """Reference §4.7: rf v1.2.3 (first commit), rf v1.2.4 (second), nn v0.0.1;
    nn#staging#1, rf#production#1 (v1.2.3), rf#staging#2 (v1.2.4),
    rf#production#3 (v1.2.4), rf#production#4 (v1.2.3). HEAD's artifacts.yaml
    lists nn and the never-registered `features`."""
    repo.c1 = repo.commit("first")
    repo.tag("rf@v1.2.3")
    repo.c2 = repo.commit("second", {"artifacts.yaml": ANNOTATIONS})
    repo.tag("rf@v1.2.4")
    repo.tag("nn@v0.0.1", repo.c1)
    repo.tag("nn#staging#1", repo.c1)
    repo.tag("rf#production#1", repo.c1)
    repo.tag("rf#staging#2", repo.c2)
    repo.tag("rf#production#3", repo.c2)
    repo.tag("rf#production#4", repo.c1)
    return repo


@pytest.fixture
def mo(repo):
    """Reference §4.7 worked example: mo v1.0.0 registered first, then v0.5.0
    (older number, later tag); dev->v0.5.0 #1, staging->v1.0.0 #2,
    prod->v0.5.0 #3, dev->v1.0.0 #4."""
    repo.c1 = repo.commit("v1")
    repo.c2 = repo.commit("v0.5")
    repo.tag("mo@v1.0.0", repo.c1)
    repo.tag("mo@v0.5.0", repo.c2)
    repo.tag("mo#dev#1", repo.c2)
    repo.tag("mo#staging#2", repo.c1)
    repo.tag("mo#prod#3", repo.c2)
    repo.tag("mo#dev#4", repo.c1)
    return repo


# -- show: the registry ---------------------------------------------------------

def test_show_registry_plain(showcase):
    assert plain(showcase.gto("show", "--plain")) == [
        ["name", "latest", "#production", "#staging"],
        ["*features", "-", "-", "-"],
        ["nn", "v0.0.1", "-", "v0.0.1"],
        ["rf", "v1.2.4", "v1.2.3", "v1.2.4"],
    ]


def test_show_registry_table(showcase):
    out = lines(showcase.gto("show"))
    assert out[0].startswith("╒") and out[-1].startswith("╘") and out[2].startswith("╞")
    cells = [[c.strip() for c in line.strip("│").split("│")] for line in out if line.startswith("│")]
    assert cells == [["name", "latest", "#production", "#staging"], ["*features", "-", "-", "-"],
                     ["nn", "v0.0.1", "-", "v0.0.1"], ["rf", "v1.2.4", "v1.2.3", "v1.2.4"]]
    assert len({len(line) for line in out}) == 1  # a rectangle


def test_show_registry_json(showcase):
    data = json.loads(showcase.gto("show", "--json").out)
    assert data == {
        "rf": {"version": "v1.2.4", "stage": {"production": "v1.2.3", "staging": "v1.2.4"},
               "registered": True, "active": True},
        "nn": {"version": "v0.0.1", "stage": {"production": None, "staging": "v0.0.1"},
               "registered": True, "active": True},
        "features": {"version": None, "stage": {"production": None, "staging": None},
                     "registered": False, "active": True},
    }


def test_show_registry_name_flag(showcase):
    assert lines(showcase.gto("show", "--name")) == ["*features", "nn", "rf"]


@pytest.mark.parametrize("flag", ["--version", "--stage", "--ref"])
def test_show_registry_rejects_column_flags(showcase, flag):
    res = showcase.gto("show", flag, expect=1)
    assert res.err == f"❌ Cannot apply {flag}\n" and res.out == ""


def test_show_empty_registry(repo):
    repo.commit("nothing")
    assert repo.gto("show").out == "Nothing found in the current workspace\n"
    assert repo.gto("show", "--json").out == "{}\n"
    assert repo.gto("show", "--version").out == ""  # 1.10: nothing, exit 0


def test_show_registry_vs_all_and_sort_semver(showcase):
    rows = plain(showcase.gto("show", "--plain", "--vs", "-1"))
    assert rows[3] == ["rf", "v1.2.4", "v1.2.3, v1.2.4", "v1.2.4"]
    rows = plain(showcase.gto("show", "--plain", "--sort", "semver"))
    assert rows[3] == ["rf", "v1.2.4", "v1.2.4", "v1.2.4"]
    data = json.loads(showcase.gto("show", "--json", "--vs", "-1").out)
    assert data["rf"]["stage"]["production"] == "v1.2.3, v1.2.4"


def test_show_registry_full_version_names(repo):
    repo.commit("one")
    repo.tag("bm@v10.20.30-rc.1")
    assert plain(repo.gto("show", "--plain"))[1] == ["bm", "v10.20.30-rc.1"]  # not cut to 7 (DECISIONS §4)


def test_show_registry_stage_columns_follow_config(showcase):
    showcase.write(".gto", "stages: [staging, qa, production]\n")
    assert plain(showcase.gto("show", "--plain"))[0] == ["name", "latest", "#staging", "#qa", "#production"]


def test_show_stage_columns_sorted_python_style(repo):
    repo.commit("one")
    repo.tag("a@v1.0.0")
    for s in ("dev", "Prod", "beta"):
        repo.tag(f"a#{s}")
    assert plain(repo.gto("show", "--plain"))[0] == ["name", "latest", "#Prod", "#beta", "#dev"]


# -- show NAME and the shortcuts --------------------------------------------------

def test_show_artifact_plain(showcase):
    rows = plain(showcase.gto("show", "rf", "--plain"))
    assert rows == [
        ["artifact", "version", "stage", "created_at", "ref"],
        ["rf", "v1.2.4", "staging", utc(showcase_time(showcase, "rf@v1.2.4")), "rf@v1.2.4"],
        ["rf", "v1.2.3", "production", utc(showcase_time(showcase, "rf@v1.2.3")), "rf@v1.2.3"],
    ]


def showcase_time(repo, tag):
    return int(repo.git("for-each-ref", "--format=%(taggerdate:unix)", "refs/tags/" + tag))


def test_show_artifact_discovered_version_from_artifacts_yaml(showcase):
    rows = plain(showcase.gto("show", "nn", "--plain"))
    assert [r[:3] + r[4:] for r in rows[1:]] == [["nn", "v0.0.1", "staging", "nn@v0.0.1"],
                                                  ["nn", showcase.c2[:7], "", showcase.c2[:7]]]
    assert lines(showcase.gto("show", "nn", "--ref")) == ["nn@v0.0.1", showcase.c2[:7]]
    rows = plain(showcase.gto("show", "features", "--plain"))
    assert rows[1][:2] == ["*features", showcase.c2[:7]]


def test_show_artifact_table(showcase):
    out = lines(showcase.gto("show", "rf"))
    assert out[0].startswith("╒") and "│ artifact" in out[1] and "rf@v1.2.4" in out[3]


@pytest.mark.parametrize("args,expected", [
    (("rf@latest", "--version"), ["v1.2.4"]),
    (("rf@greatest", "--version"), ["v1.2.4"]),
    (("rf@latest", "--ref"), ["rf@v1.2.4"]),
    (("rf@v1.2.3", "--version"), ["v1.2.3"]),
    (("rf@v1.2.3", "--ref"), ["rf@v1.2.3"]),
    (("rf@v9.9.9", "--version"), []),
    (("rf#production", "--version"), ["v1.2.3"]),
    (("rf#production", "--ref"), ["rf@v1.2.3"]),
    (("rf#production", "--vs", "-1", "--version"), ["v1.2.4", "v1.2.3"]),  # SemVer order
    (("rf#staging", "--vs", "-1", "--version"), ["v1.2.4"]),
    (("rf#production", "--sort", "semver", "--version"), ["v1.2.4"]),
    (("rf#prod", "--version"), []),  # exact stage match, not substring
    (("rf#missing", "--version"), []),
    (("rf", "--stage"), ["staging", "production"]),
    (("rf", "--version"), ["v1.2.4", "v1.2.3"]),
    (("rf", "--sort", "semver", "--stage"), ["staging, production"]),
])
def test_show_shortcuts_and_line_flags(showcase, args, expected):
    assert lines(showcase.gto("show", *args)) == expected


def test_show_stage_shortcut_keeps_every_stage_of_the_version(showcase):
    rows = plain(showcase.gto("show", "rf#staging", "--sort", "semver", "--plain"))
    assert [r[:3] for r in rows[1:]] == [["rf", "v1.2.4", "staging, production"]]


def test_show_artifact_json(showcase):
    """GTO's version objects (DECISIONS §5), then git-gto's commit/registered/active/meta/description."""
    data = json.loads(showcase.gto("show", "rf", "--json").out)
    assert [list(d) for d in data] == [["artifact", "commit_hexsha", "version", "registrations", "deregistrations",
                                        "stages", "is_active", "activated_at", "created_at", "author",
                                        "author_email", "message", "ref", "discovered", "commit",
                                        "registered", "active", "meta", "description"]] * 2
    registered = iso(showcase_time(showcase, "rf@v1.2.4"))
    staged = iso(showcase_time(showcase, "rf#staging#2"))
    who = {"author": "GTO Tester", "author_email": "tester@example.com"}
    assert data[0] == {
        "artifact": "rf", "commit_hexsha": showcase.c2, "version": "v1.2.4",
        "registrations": [{"priority": 3, "addition": True, "artifact": "rf", "created_at": registered, **who,
                           "message": "Registering artifact rf version v1.2.4", "commit_hexsha": showcase.c2,
                           "tag": "rf@v1.2.4", "version": "v1.2.4"}],
        "deregistrations": [],
        "stages": [{"artifact": "rf", "commit_hexsha": showcase.c2, "version": "v1.2.4", "stage": "staging",
                    "assignments": [{"priority": 5, "addition": True, "artifact": "rf", "created_at": staged, **who,
                                     "message": "Assigning stage staging to artifact rf",
                                     "commit_hexsha": showcase.c2, "tag": "rf#staging#2", "version": "v1.2.4",
                                     "stage": "staging", "event": "assignment"}],
                    "unassignments": [], "is_active": True, "activated_at": staged, "created_at": staged, **who,
                    "message": "Assigning stage staging to artifact rf", "ref": "rf#staging#2"}],
        "is_active": True, "activated_at": registered, "created_at": registered, **who,
        "message": "Registering artifact rf version v1.2.4", "ref": "rf@v1.2.4", "discovered": False,
        "commit": showcase.c2, "registered": True, "active": True, "meta": {}, "description": None,
    }
    assert [s["stage"] for s in data[1]["stages"]] == ["production"] and data[1]["commit_hexsha"] == showcase.c1
    assert [a["tag"] for a in data[1]["stages"][0]["assignments"]] == ["rf#production#1", "rf#production#4"]


def test_show_json_never_shortens(showcase):
    data = json.loads(showcase.gto("show", "nn", "--json").out)
    assert data[1]["version"] == showcase.c2 and data[1]["ref"] == showcase.c2 and not data[1]["registered"]
    assert data[1]["discovered"] is True and data[1]["commit_hexsha"] == showcase.c2


def test_show_artifact_errors(showcase):
    assert showcase.gto("show", "nope", expect=1).err == "❌ Cannot find artifact 'nope'\n"
    assert showcase.gto("show", "nope#prod", expect=1).err == "❌ Cannot find artifact 'nope'\n"
    assert showcase.gto("show", "rf", "--name", expect=1).err == "❌ Cannot apply --name\n"
    res = showcase.gto("show", "bad name", expect=1)
    assert res.err.startswith("❌ Invalid artifact name 'bad name'") and res.err.count("\n") == 1


def test_show_timestamps_keep_the_taggers_offset(repo):
    repo.commit("one")
    repo.tag("rf@v1.0.0", date="2024-03-01T10:00:00+02:00")
    assert plain(repo.gto("show", "rf", "--plain"))[1][3] == "2024-03-01 10:00:00+02:00"
    assert json.loads(repo.gto("show", "rf", "--json").out)[0]["created_at"] == "2024-03-01T10:00:00+02:00"


# -- --sort / --vs / --av: the mo example (reference §4.7, DECISIONS §4) ----------

def stage_cells(res):
    return {r[1]: r[2] for r in plain(res)[1:]}


def test_mo_registry(mo):
    assert plain(mo.gto("show", "--plain")) == [["name", "latest", "#dev", "#prod", "#staging"],
                                               ["mo", "v1.0.0", "v1.0.0", "v0.5.0", "v1.0.0"]]


def test_mo_show_name(mo):
    assert stage_cells(mo.gto("show", "mo", "--plain")) == {"v1.0.0": "dev, staging", "v0.5.0": "prod"}
    assert stage_cells(mo.gto("show", "mo", "--plain", "--vs", "-1")) == {"v1.0.0": "dev, staging",
                                                                          "v0.5.0": "dev, prod"}


def test_mo_av1_is_the_kanban_view(mo):
    # git-gto keeps each version's LATEST stage (GTO keeps the oldest)
    assert stage_cells(mo.gto("show", "mo", "--plain", "--av", "1", "--vs", "-1")) == {"v1.0.0": "dev",
                                                                                       "v0.5.0": "prod"}
    assert plain(mo.gto("show", "--plain", "--av", "1", "--vs", "-1"))[1] == ["mo", "v1.0.0", "v1.0.0",
                                                                              "v0.5.0", "-"]


def test_mo_vs0(mo):
    assert plain(mo.gto("show", "--plain", "--vs", "0"))[1] == ["mo", "v1.0.0", "-", "-", "-"]


def test_mo_unassign_and_deregister(mo):
    mo.tag("mo#dev!#5", mo.c1)
    assert plain(mo.gto("show", "--plain"))[1] == ["mo", "v1.0.0", "v0.5.0", "v0.5.0", "v1.0.0"]
    mo.tag("mo#dev!#6", mo.c2)
    assert plain(mo.gto("show", "--plain")) == [["name", "latest", "#prod", "#staging"],
                                               ["mo", "v1.0.0", "v0.5.0", "v1.0.0"]]
    mo.tag("mo@v0.5.0!", mo.c2)
    assert plain(mo.gto("show", "--plain")) == [["name", "latest", "#staging"], ["mo", "v1.0.0", "v1.0.0"]]
    assert lines(mo.gto("show", "mo", "--version")) == ["v1.0.0"]
    assert lines(mo.gto("show", "mo", "-d", "--version")) == ["v1.0.0", "v0.5.0"]
    assert lines(mo.gto("show", "mo@v0.5.0", "--version")) == []
    assert lines(mo.gto("show", "mo@v0.5.0", "-d", "--version")) == ["v0.5.0"]


@pytest.mark.parametrize("args,err", [
    (("--av", "-2"), "❌ 'assignments_per_version' must be >= -1\n"),
    (("--vs", "-2"), "❌ 'versions_per_stage' must be >= -1\n"),
])
def test_av_vs_limits(mo, args, err):
    assert mo.gto("show", *args, expect=1).err == err
    assert mo.gto("show", "mo", *args, expect=1).err == err


@pytest.mark.parametrize("args", [("--sort", "size"), ("--av", "x"), ("--json", "--plain"), ("--json", "--ref"),
                                  ("--version", "--ref"), ("--name", "--stage"), ("a", "b")])
def test_show_usage_errors_exit_2(mo, args):
    res = mo.gto("show", *args, expect=2)
    assert res.out == "" and "usage: git gto show" in res.err


# -- --ro, -d --------------------------------------------------------------------

def test_registered_only_hides_unnamed_stage_holders(repo):
    c1 = repo.commit("one")
    repo.tag("sr@v1.0.0")
    c2 = repo.commit("two")
    repo.tag("sr#dev#1", c1)
    repo.tag("sr#dev#2", c2)  # skip-registration: an unnamed version holds dev
    assert plain(repo.gto("show", "--plain"))[1] == ["sr", "v1.0.0", c2[:7]]  # unnamed: 7 chars in tables
    assert json.loads(repo.gto("show", "--json").out)["sr"]["stage"] == {"dev": c2}  # JSON: never shortened
    assert plain(repo.gto("show", "--plain", "--ro"))[1] == ["sr", "v1.0.0", "v1.0.0"]
    assert stage_cells(repo.gto("show", "sr", "--plain")) == {"v1.0.0": "", c2[:7]: "dev"}
    assert stage_cells(repo.gto("show", "sr", "--plain", "--ro")) == {"v1.0.0": "dev", c2[:7]: ""}
    assert lines(repo.gto("show", "sr#dev", "--ref")) == ["sr#dev#2"]


def test_deprecated_artifact(repo):
    repo.commit("one")
    repo.tag("rf@v1.0.0")
    repo.tag("nn@v1.0.0")
    repo.tag("nn@deprecated")
    assert plain(repo.gto("show", "--plain"))[1:] == [["rf", "v1.0.0"]]
    assert plain(repo.gto("show", "--plain", "-d"))[1:] == [["nn", "v1.0.0"], ["rf", "v1.0.0"]]
    assert "nn" not in json.loads(repo.gto("show", "--json").out)
    assert json.loads(repo.gto("show", "--json", "-d").out)["nn"]["active"] is False
    assert repo.gto("show", "nn").out == "Nothing found in the current workspace\n"
    assert lines(repo.gto("show", "nn", "--deprecated", "--version")) == ["v1.0.0"]
    # history and check-ref work as usual
    assert "nn@deprecated" in repo.gto("history", "nn").out
    assert repo.gto("check-ref", "nn@deprecated").out == '✅  Artifact "nn" was deprecated\n'
    # any later event revives it
    repo.tag("nn@v1.1.0", repo.commit("two"))
    assert plain(repo.gto("show", "--plain"))[1] == ["nn", "v1.1.0"]


def test_deprecated_artifact_revived_by_a_newer_head_commit(repo):
    repo.commit("one", {"artifacts.yaml": "nn: {type: model}\n"})
    repo.tag("nn@v1.0.0")
    repo.tag("nn@deprecated")
    assert plain(repo.gto("show", "--plain"))[1:] == []
    repo.commit("two", {"x": "1"})
    assert plain(repo.gto("show", "--plain"))[1:] == [["nn", "v1.0.0"]]


def test_all_versions_deregistered(repo):
    repo.commit("one")
    repo.tag("rf@v1.0.0")
    repo.tag("rf@v1.0.0!")
    assert plain(repo.gto("show", "--plain"))[1] == ["rf", "-"]
    assert repo.gto("show", "rf").out == "Nothing found in the current workspace\n"
    assert json.loads(repo.gto("show", "--json").out)["rf"] == {"version": None, "stage": {},
                                                                "registered": True, "active": True}


# -- -a / -A -----------------------------------------------------------------------

def test_all_branches_and_all_commits(repo):
    repo.commit("one", {"artifacts.yaml": "old: {type: model}\n"})
    repo.commit("two", {"artifacts.yaml": "rf: {type: model}\n"})
    repo.tag("rf@v1.0.0")
    repo.git("checkout", "-q", "-b", "other")
    repo.commit("three", {"artifacts.yaml": "branchy: {type: model}\n"})
    repo.git("checkout", "-q", "main")
    assert lines(repo.gto("show", "--name")) == ["rf"]
    assert lines(repo.gto("show", "--name", "-a")) == ["*branchy", "rf"]
    assert lines(repo.gto("show", "--name", "--all-branches")) == ["*branchy", "rf"]
    assert lines(repo.gto("show", "--name", "-A")) == ["*branchy", "*old", "rf"]
    assert lines(repo.gto("show", "--name", "--all-commits")) == ["*branchy", "*old", "rf"]


# -- dir:name (monorepo) artifacts ----------------------------------------------------

def test_monorepo_artifacts(repo):
    c = repo.commit("one")
    repo.tag("models/churn=model@v1.0.0")
    repo.tag("models/churn=model#prod#1")
    repo.tag("model@v2.0.0")
    assert plain(repo.gto("show", "--plain")) == [["name", "latest", "#prod"], ["model", "v2.0.0", "-"],
                                                 ["models/churn:model", "v1.0.0", "v1.0.0"]]
    assert lines(repo.gto("show", "models/churn:model#prod", "--ref")) == ["models/churn=model@v1.0.0"]
    assert lines(repo.gto("show", "models/churn:model@latest", "--version")) == ["v1.0.0"]
    assert plain(repo.gto("show", "models/churn:model", "--plain"))[1][0] == "models/churn:model"
    assert [e["artifact"] for e in json.loads(repo.gto("history", "--json").out)] == \
        ["model", "models/churn:model", "models/churn:model"]
    data = json.loads(repo.gto("check-ref", "models/churn=model#prod#1", "--json").out)
    assert data["artifact"] == "models/churn:model" and data["commit_hexsha"] == data["commit"] == c
    assert lines(repo.gto("history", "models/churn:model", "--plain"))[1].split("\t")[1] == "models/churn:model"


# -- history ---------------------------------------------------------------------

def test_history_plain_newest_first(showcase):
    rows = plain(showcase.gto("history", "--plain"))
    assert rows[0] == ["timestamp", "artifact", "event", "version", "stage", "commit", "ref"]
    assert [r[6] for r in rows[1:]] == ["rf#production#4", "rf#production#3", "rf#staging#2",
                                        "rf#production#1", "nn#staging#1", "nn@v0.0.1", "rf@v1.2.4",
                                        "rf@v1.2.3"]
    assert rows[1] == [utc(showcase_time(showcase, "rf#production#4")), "rf", "assignment", "v1.2.3",
                       "production", showcase.c1[:7], "rf#production#4"]
    assert rows[-1][2:6] == ["registration", "v1.2.3", "-", showcase.c1[:7]]


def test_history_ascending_and_name(showcase):
    refs = [r[6] for r in plain(showcase.gto("history", "--plain", "--ascending"))[1:]]
    assert refs[:3] == ["rf@v1.2.3", "rf@v1.2.4", "nn@v0.0.1"]
    assert refs == [r[6] for r in plain(showcase.gto("history", "--plain", "--asc"))[1:]]
    assert [r[6] for r in plain(showcase.gto("history", "nn", "--plain"))[1:]] == ["nn#staging#1", "nn@v0.0.1"]


def test_history_table(showcase):
    out = lines(showcase.gto("history"))
    assert out[0].startswith("╒") and "│ timestamp" in out[1] and "rf#production#4" in out[3]


def test_history_json(showcase):
    data = json.loads(showcase.gto("history", "--json").out)
    assert len(data) == 8
    assert data[0] == {
        "timestamp": iso(showcase_time(showcase, "rf#production#4")), "artifact": "rf", "event": "assignment",
        "priority": 5, "version": "v1.2.3", "stage": "production", "commit": showcase.c1,
        "author": "GTO Tester", "author_email": "tester@example.com",
        "message": "Assigning stage production to artifact rf", "ref": "rf#production#4",
        "meta": {}, "description": None,
    }
    assert list(data[0]) == ["timestamp", "artifact", "event", "priority", "version", "stage", "commit",
                             "author", "author_email", "message", "ref",  # GTO's order
                             "meta", "description"]  # then git-gto's facts
    assert data[-1]["stage"] is None and data[-1]["event"] == "registration"


def test_history_event_kinds(repo):
    repo.commit("one")
    for tag in ("bm@v1.0.0", "bm#dev#1", "bm#dev!#2", "bm@v1.0.0!", "bm@deprecated"):
        repo.tag(tag)
    rows = plain(repo.gto("history", "--plain"))[1:]
    assert [(r[2], r[3], r[4]) for r in rows] == [
        ("deprecation", "-", "-"), ("deregistration", "v1.0.0", "-"), ("unassignment", "v1.0.0", "dev"),
        ("assignment", "v1.0.0", "dev"), ("registration", "v1.0.0", "-")]


def test_history_ignores_lightweight_and_non_gto_tags(repo):
    repo.commit("one")
    repo.tag("rf@v1.0.0")
    repo.tag("rf#prod#1", lightweight=True)
    repo.tag("v1.0.0")
    repo.tag("rf@created")
    assert [r[6] for r in plain(repo.gto("history", "--plain"))[1:]] == ["rf@v1.0.0"]


def test_history_empty_and_unknown_name(showcase):
    assert showcase.gto("history", "nope").out == "Nothing found in the current workspace\n"
    assert showcase.gto("history", "nope", "--json").out == "[]\n"


def test_history_usage_errors(showcase):
    showcase.gto("history", "--json", "--plain", expect=2)
    assert showcase.gto("history", "a b", expect=1).err.startswith("❌ Invalid artifact name")


def test_history_same_second_order_is_defined(repo):
    """Same tagger second: counter, then tag name (DECISIONS §3) - not git's ref order."""
    repo.commit("one")
    t = repo.tick()
    for tag in ("rf@v1.0.0", "rf#b#2", "rf#a#10", "rf#z"):
        repo.tag(tag, date=t)
    refs = [r[6] for r in plain(repo.gto("history", "--plain", "--asc"))[1:]]
    assert refs == ["rf#z", "rf@v1.0.0", "rf#b#2", "rf#a#10"]


# -- check-ref ---------------------------------------------------------------------

@pytest.mark.parametrize("tag,sentence", [
    ("rf@v1.2.4", 'Version "v1.2.4" of artifact "rf" was registered'),
    ("rf#production#3", 'Stage "production" was assigned to version "v1.2.4" of artifact "rf"'),
    ("refs/tags/rf#staging#2", 'Stage "staging" was assigned to version "v1.2.4" of artifact "rf"'),
])
def test_check_ref_sentences(showcase, tag, sentence):
    res = showcase.gto("check-ref", tag)
    assert res.out == f"✅  {sentence}\n" and res.err == ""


def test_check_ref_cancel_events(mo):
    mo.tag("mo#dev!#5", mo.c2)
    mo.tag("mo@v0.5.0!", mo.c2)
    mo.tag("mo@deprecated", mo.c1)
    assert mo.gto("check-ref", "mo#dev!#5").out == '✅  Stage "dev" was unassigned from version "v0.5.0" of artifact "mo"\n'
    assert mo.gto("check-ref", "mo@v0.5.0!").out == '✅  Version "v0.5.0" of artifact "mo" was deregistered\n'
    assert mo.gto("check-ref", "mo@deprecated").out == '✅  Artifact "mo" was deprecated\n'


def test_check_ref_unnamed_version_sentence(repo):
    c = repo.commit("one")
    repo.tag("sr#dev#1")
    assert repo.gto("check-ref", "sr#dev#1").out == f'✅  Stage "dev" was assigned to version "{c}" of artifact "sr"\n'


def test_check_ref_json(showcase):
    data = json.loads(showcase.gto("check-ref", "rf#production#3", "--json").out)
    assert data == {"artifact": "rf", "created_at": iso(showcase_time(showcase, "rf#production#3")),
                    "author": "GTO Tester", "author_email": "tester@example.com",
                    "message": "Assigning stage production to artifact rf", "commit_hexsha": showcase.c2,
                    "tag": "rf#production#3", "version": "v1.2.4", "stage": "production", "event": "assignment",
                    "commit": showcase.c2}
    assert list(data)[:10] == ["artifact", "created_at", "author", "author_email", "message", "commit_hexsha",
                               "tag", "version", "stage", "event"]  # GTO's keys in GTO's order, then ours
    reg = json.loads(showcase.gto("check-ref", "rf@v1.2.3", "--json").out)
    assert "stage" not in reg and reg["event"] == "registration" and reg["version"] == "v1.2.3"
    showcase.tag("rf@deprecated")
    dep = json.loads(showcase.gto("check-ref", "rf@deprecated", "--json").out)
    assert "stage" not in dep and "version" not in dep and dep["event"] == "deprecation"


@pytest.mark.parametrize("tag,flag,expected", [
    ("rf#production#3", "--name", "rf\n"), ("rf#production#3", "--version", "v1.2.4\n"),
    ("rf#production#3", "--stage", "production\n"), ("rf#production#3", "--event", "assignment\n"),
    ("rf@v1.2.3", "--stage", ""), ("rf@v1.2.3", "--event", "registration\n"),
])
def test_check_ref_line_flags(showcase, tag, flag, expected):
    assert showcase.gto("check-ref", tag, flag).out == expected


def test_check_ref_deprecation_has_no_version(showcase):
    showcase.tag("rf@deprecated")
    assert showcase.gto("check-ref", "rf@deprecated", "--version").out == ""


@pytest.mark.parametrize("ref", ["main", "HEAD", "v1.0.0", "rf@v9.9.9", "refs/heads/main", "nope#prod#9",
                                 "refs/tags/v1.0.0", "rf@v1", ""])
def test_check_ref_non_gto_refs_print_nothing(showcase, ref):
    showcase.tag("v1.0.0")
    res = showcase.gto("check-ref", ref)
    assert (res.out, res.err) == ("", "")


def test_check_ref_sha_prints_nothing(showcase):
    res = showcase.gto("check-ref", showcase.c1)
    assert (res.out, res.err, res.code) == ("", "", 0)


def test_check_ref_lightweight_tag_is_a_clear_error(showcase):
    showcase.tag("rf#dev#9", lightweight=True)
    res = showcase.gto("check-ref", "rf#dev#9", expect=1)
    assert res.out == "" and res.err.startswith("❌ 'rf#dev#9' is a lightweight tag") and res.err.count("\n") == 1
    assert "--fetch" in res.err


@pytest.mark.parametrize("flags", [("--json", "--name"), ("--version", "--stage"), ("--event", "--json")])
def test_check_ref_conflicting_flags(showcase, flags):
    showcase.gto("check-ref", "rf@v1.2.3", *flags, expect=2)


def test_check_ref_needs_a_ref(showcase):
    assert "REF" in showcase.gto("check-ref", expect=2).err


def test_check_ref_ignores_created_tag(showcase):
    showcase.tag("rf@created")
    assert showcase.gto("check-ref", "rf@created").out == ""
    assert showcase.gto("show", "--name").out == "*features\nnn\nrf\n"  # and nothing crashes


def test_messages_with_or_without_trailing_newline_read_the_same(repo):
    """0.2.x tag messages end with a newline, 1.x ones do not (reference §2.8)."""
    repo.commit("one")
    repo.git("tag", "-a", "--cleanup=verbatim", "-m", "Registering artifact a version v1.0.0\n", "a@v1.0.0",
             when=repo.tick())
    repo.git("tag", "-a", "--cleanup=verbatim", "-m", "Registering artifact b version v1.0.0", "b@v1.0.0",
             when=repo.tick())
    data = {e["artifact"]: e["message"] for e in json.loads(repo.gto("history", "--json").out)}
    assert data == {"a": "Registering artifact a version v1.0.0", "b": "Registering artifact b version v1.0.0"}
    assert json.loads(repo.gto("check-ref", "a@v1.0.0", "--json").out)["message"] == data["a"]


def test_history_accepts_gto_02_branch_flags(showcase):
    assert showcase.gto("history", "-a", "--plain").out == showcase.gto("history", "-A", "--plain").out
