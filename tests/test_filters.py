"""Filters on every listing (--where, --type, --label, --stage / show's
--in-stage): the pure select() and the commands that use it, --json included."""

import json

import pytest

from gitgto import filters
from gitgto.facts import FactError
from gtorepo import GtoRepo

# -- the pure layer ---------------------------------------------------------------


@pytest.mark.parametrize("text, parsed", [
    ("a=b", ("a", "=", "b")),
    ("A!=b", ("a", "!=", "b")),
    ("a~0.9*", ("a", "~", "0.9*")),
    ("a=b!=c", ("a", "=", "b!=c")),
    ("a!=b=c", ("a", "!=", "b=c")),
    ("a=", ("a", "=", "")),
])
def test_parse_where(text, parsed):
    assert filters.parse_where(text) == parsed


@pytest.mark.parametrize("text", ["novalue", "=x", "a b=c", "!=x"])
def test_parse_where_errors(text):
    with pytest.raises(FactError):
        filters.parse_where(text)


@pytest.mark.parametrize("where, ok", [
    ([("acc", "=", "0.9")], True),
    ([("acc", "=", "0.90")], False),
    ([("acc", "!=", "0.8")], True),
    ([("missing", "!=", "x")], True),     # != holds when the fact is absent
    ([("missing", "~", "*")], False),     # ~ needs the fact
    ([("acc", "~", "0.[89]")], True),
    ([("acc", "~", "0.9"), ("ds", "=", "b")], False),  # all must hold
    ([("description", "~", "*model*")], True),
])
def test_facts_match(where, ok):
    assert filters.facts_match({"acc": "0.9", "ds": "a"}, "the model", where) is ok


def _registry():
    """Synthetic tags: m v1 (acc 0.8) in prod, then v2 (acc 0.9, later 0.95 on its
    assignment) in dev; n v1 without facts, deregistered."""
    from gitgto import registry as R
    from gitgto.records import TagRecord

    tags = [("m@v1.0.0", 1, "Registering\n\nAcc: 0.8"), ("m#prod#1", 1, "Assigning"),
            ("m@v2.0.0", 2, "Registering\n\nAcc: 0.9\nDescription: second"),
            ("m#dev#2", 2, "Assigning\n\nACC: 0.95"), ("n@v1.0.0", 3, "Registering"), ("n@v1.0.0!", 3, "Deregistering")]
    records = [TagRecord(name, True, "%040x" % i, "%040x" % commit, "T", "t@x", 1000 + i, "+0000", message)
               for i, (name, commit, message) in enumerate(tags)]
    registry = R.build(records)
    registry.artifacts["m"].annotation = {"type": "model", "labels": ["a", "b"]}
    return registry


def test_select_over_registry_state():
    from gitgto.facts import of_version

    registry = _registry()
    m = registry.artifacts["m"]
    v1, v2 = sorted(m.versions, key=lambda v: v.name)
    assert of_version(v2) == ({"acc": "0.95"}, "second")  # the later tag's value wins
    picked = lambda flt, **kw: {k: v if v is None else sorted(x.name for x in v)  # noqa: E731
                                for k, v in filters.select(registry, flt, **kw).items()}
    assert picked(filters.Filter()) == {"m": None, "n": None}
    assert picked(filters.Filter(where=[("acc", "~", "0.9*")])) == {"m": ["v2.0.0"]}
    assert picked(filters.Filter(stage="prod")) == {"m": ["v1.0.0"]}
    assert picked(filters.Filter(type="model", labels=["b"])) == {"m": None}
    assert picked(filters.Filter(labels=["c"])) == {}
    assert picked(filters.Filter(where=[("acc", "!=", "x")])) == {"m": ["v1.0.0", "v2.0.0"]}  # n: deregistered
    assert picked(filters.Filter(where=[("acc", "!=", "x")]), active_only=False)["n"] == ["v1.0.0"]
    chosen = filters.select(registry, filters.Filter(stage="dev"))
    events = filters.events(sorted(m.events, key=lambda e: e.key), chosen)
    assert [e.ref for e in events] == ["m@v2.0.0", "m#dev#2"]


# -- the commands -------------------------------------------------------------------


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """churn: v0.0.1 (acc 0.81, data q1) in prod, v0.1.0 (acc 0.93, data q2) in dev;
    fraud: v1.0.0 (acc 0.95) in prod; text: v0.0.1 no facts, and deprecated `old`.
    Annotations: churn model/tabular, fraud model/tabular+online, text dataset."""
    r = GtoRepo(tmp_path_factory.mktemp("filters"))
    r.commit("init", files={"artifacts.yaml": "churn:\n  type: model\n  labels: [tabular]\n"
                                              "fraud:\n  type: model\n  labels: [tabular, online]\n"
                                              "text:\n  type: dataset\n"})
    r.gto("register", "churn", "--meta", "acc=0.81", "--meta", "data=q1")
    r.gto("assign", "churn", "--stage", "prod")
    r.gto("register", "fraud", "--version", "v1.0.0", "--meta", "acc=0.95", "--description", "online model")
    r.gto("assign", "fraud", "--stage", "prod")
    r.gto("register", "text")
    r.gto("register", "old", "--meta", "acc=0.99")
    r.gto("deprecate", "old")
    r.commit("2")
    r.gto("register", "churn", "--bump-minor", "--meta", "acc=0.93", "--meta", "data=q2")
    r.gto("assign", "churn", "--stage", "dev")
    return r


def names(r, *args):
    return r.gto("show", "--name", *args).lines


def test_show_filters_artifacts(registry):
    r = registry
    assert names(r) == ["churn", "fraud", "text"]
    assert names(r, "--where", "acc~0.9*") == ["churn", "fraud"]   # old is deprecated: never shown
    assert names(r, "--where", "data=q1") == ["churn"]
    assert names(r, "--where", "acc!=0.95") == ["churn", "text"]   # text has no acc
    assert names(r, "--type", "model") == ["churn", "fraud"]
    assert names(r, "--label", "online") == ["fraud"]
    assert names(r, "--label", "tabular", "--label", "online") == ["fraud"]
    assert names(r, "--in-stage", "dev") == ["churn"]
    assert names(r, "--in-stage", "prod", "--where", "acc=0.95") == ["fraud"]
    assert names(r, "--where", "description~*online*") == ["fraud"]
    assert names(r, "--where", "nothing=x") == []


def test_show_json_is_filtered_the_same(registry):
    full = json.loads(registry.gto("show", "--json").out)
    data = json.loads(registry.gto("show", "--json", "--type", "model").out)
    assert data == {k: v for k, v in full.items() if k in ("churn", "fraud")}  # rows unchanged, only fewer


def test_show_artifact_filters_versions(registry):
    r = registry
    assert r.gto("show", "churn", "--version").lines == ["v0.1.0", "v0.0.1"]
    assert r.gto("show", "churn", "--version", "--where", "acc=0.81").lines == ["v0.0.1"]
    assert r.gto("show", "churn", "--version", "--in-stage", "dev").lines == ["v0.1.0"]
    assert r.gto("show", "churn", "--version", "--type", "dataset").lines == []
    data = json.loads(r.gto("show", "churn", "--json", "--where", "data=q2").out)
    assert [v["version"] for v in data] == ["v0.1.0"] and data[0]["meta"] == {"acc": "0.93", "data": "q2"}
    assert "v0.1.0" not in r.gto("show", "churn", "--plain", "--where", "data!=q2").out


def test_history_filters_events(registry):
    r = registry
    refs = [e["ref"] for e in json.loads(r.gto("history", "--json", "--where", "data=q2").out)]
    assert refs == ["churn#dev#2", "churn@v0.1.0"]  # every event of the version that matches
    rows = r.gto("history", "--plain", "--stage", "prod").lines[1:]
    assert {row.split("\t")[-1] for row in rows} == {"churn@v0.0.1", "churn#prod#1", "fraud@v1.0.0", "fraud#prod#1"}
    types = r.gto("history", "--plain", "--type", "dataset").lines[1:]
    assert [row.split("\t")[-1] for row in types] == ["text@v0.0.1"]
    # a deprecation has no version: kept by artifact filters only
    assert "old@deprecated" not in r.gto("history", "--plain", "--where", "acc=0.99").out
    assert "old@v0.0.1" in r.gto("history", "--plain", "--where", "acc=0.99", "--ascending").out
    assert r.gto("history", "churn", "--plain", "--where", "acc=0.81").lines[1:][-1].endswith("churn@v0.0.1")


def test_filter_usage_errors(registry):
    res = registry.gto("show", "--where", "a b=c", check=2)
    assert "argument --where: Invalid --where key 'a b'" in res.err
    assert registry.gto("show", "churn", "--meta", "bad key", check=1).err.startswith("❌ Invalid --meta key")
