"""Interoperability with the original GTO 1.10.1 (DECISIONS §3: a repository
written by git-gto reads the same in GTO 1.x, and the other way round).

GTO is installed at test time into a venv cached in pytest's cache dir; the
tests are skipped when it cannot be installed (no network). git-gto never
depends on it."""

import fcntl
import json
import os
import subprocess
import sys

import pytest

from gtorepo import GtoRepo

pytestmark = pytest.mark.slow  # the first run installs GTO (~20 s)

GTO_VERSION = "1.10.1"


@pytest.fixture(scope="session")
def gto_bin(pytestconfig):
    venv = pytestconfig.cache.mkdir(f"gto-{GTO_VERSION}-venv")
    exe = venv / "bin" / "gto"
    # pytest-xdist workers each run this fixture: one installs, the others wait.
    with open(venv.parent / f"gto-{GTO_VERSION}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _install_gto(venv, exe)


def _install_gto(venv, exe):
    if not exe.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
            res = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                                  "--disable-pip-version-check", f"gto=={GTO_VERSION}"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
        except (OSError, subprocess.SubprocessError) as exc:
            pytest.skip(f"cannot create a venv for GTO {GTO_VERSION}: {exc}")
        if res.returncode != 0 or not exe.exists():
            last = (res.stderr.strip().splitlines() or ["no output"])[-1]
            pytest.skip(f"pip cannot install gto=={GTO_VERSION} (no network?): {last}")
    return str(exe)


def gto(r, gto_bin, *args):
    env = {"GTO_EMOJIS": "false", "COLUMNS": "500"}
    res = r.run([gto_bin, *args], check=False, env=env)
    assert res.code == 0, res
    return res.out


def both_json(r, gto_bin, *args):
    return json.loads(gto(r, gto_bin, *args, "--json")), json.loads(r.gto(*args, "--json").out)


def version_stages(gto_json):
    """GTO's `show NAME --json` -> [(version, [active stages])]. GTO lists an
    unnamed (--sr) version once per assignment tag (reference §10 quirk 8,
    which git-gto does not copy): duplicates are dropped."""
    rows = []
    for v in gto_json:
        row = (v["version"], sorted(s["stage"] for s in v["stages"] if s.get("is_active", True)))
        if row not in rows:
            rows.append(row)
    return rows


OUR_EXTRA_KEYS = {"show": ("commit", "registered", "active", "meta", "description"), "check-ref": ("commit",),
                  "history": ("meta", "description")}


def without(data, keys):
    return {k: v for k, v in data.items() if k not in keys}


def compare_versions(theirs, ours):
    """`show NAME --json`: GTO's version objects, key for key and value for
    value (GTO's `enrichments` left out, git-gto's extra keys dropped)."""
    names = [v["version"] for v in theirs]
    if len(set(names)) < len(names):  # quirk 8: compare what can be compared
        assert version_stages(theirs) == version_stages(ours)
        return
    assert [without(v, ("enrichments",)) for v in theirs] == [without(v, OUR_EXTRA_KEYS["show"]) for v in ours]


def compare(r, gto_bin):
    theirs, ours = both_json(r, gto_bin, "show")
    assert theirs == ours
    for name in ours:
        compare_versions(*both_json(r, gto_bin, "show", name))
        compare_versions(*both_json(r, gto_bin, "show", name, "--vs", "-1"))
        for stage in ours[name]["stage"]:
            theirs_lines = list(dict.fromkeys(gto(r, gto_bin, "show", f"{name}#{stage}", "--version").splitlines()))
            assert theirs_lines == r.gto("show", f"{name}#{stage}", "--version").lines  # dedup: quirk 8
        assert gto(r, gto_bin, "show", f"{name}@greatest", "--ref") == r.gto("show", f"{name}@greatest", "--ref").out
    theirs_h, ours_h = both_json(r, gto_bin, "history")
    # The same entries; ties in time are ordered by priority in GTO, by counter and name here.
    assert sorted(theirs_h, key=lambda e: e["ref"]) == \
        sorted((without(e, OUR_EXTRA_KEYS["history"]) for e in ours_h), key=lambda e: e["ref"])
    kinds = {}  # one tag of each event kind and of each artifact: GTO starts slowly
    for event in ours_h:
        kinds.setdefault(event["event"], event)
        kinds.setdefault(event["artifact"], event)
    for event in kinds.values():
        theirs_c, ours_c = both_json(r, gto_bin, "check-ref", event["ref"])
        assert theirs_c == without(ours_c, OUR_EXTRA_KEYS["check-ref"])


def test_registry_written_by_git_gto_reads_the_same_in_gto(tmp_path, gto_bin):
    r = GtoRepo(tmp_path)
    r.commit("init")
    step = r.tick
    r.gto("register", "m")
    step()
    r.gto("assign", "m", "--stage", "prod")
    r.commit("2")
    r.gto("register", "m", "--version", "v1.0.0-rc.1")
    step()
    r.gto("assign", "m", "--stage", "dev")
    r.commit("3")
    r.gto("register", "m", "--bump-minor")
    step()
    r.gto("assign", "m", "--stage", "prod")
    step()
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "prod")  # back to the older version
    step()
    r.gto("assign", "m", "--version", "v1.0.0-rc.1", "--stage", "qa", "--simple", "true")
    step()
    r.gto("unassign", "m", "v1.0.0-rc.1", "qa")
    step()
    r.gto("deregister", "m", "v1.0.0-rc.1")
    step()
    r.gto("register", "models/churn:model", "HEAD~1", "--version", "v2.0.0")
    step()
    r.gto("assign", "models/churn:model", "--version", "v2.0.0", "--stage", "staging")
    step()
    r.gto("register", "gone")
    step()
    r.gto("deprecate", "gone")
    step()
    r.gto("register", "revived", "HEAD~2")
    step()
    r.gto("deprecate", "revived")
    step()
    r.gto("register", "revived")
    step()
    r.gto("assign", "sr", "HEAD", "--sr", "--stage", "prod")
    step()
    r.tag("m#prod#99", lightweight=True)  # counts for counters only
    r.tag("v1.0.0", message="a non-GTO tag")
    step()
    r.gto("assign", "m", "--version", "v1.1.0", "--stage", "dev")
    assert "m#dev#100" in r.tags()
    compare(r, gto_bin)


def test_registry_written_by_gto_reads_the_same_in_git_gto(tmp_path, gto_bin):
    r = GtoRepo(tmp_path)
    r.commit("init")

    def G(*args):
        r.tick()
        gto(r, gto_bin, *args)

    G("register", "nn")
    G("assign", "nn", "--stage", "prod")
    r.commit("2")
    G("register", "nn", "--bump-major")
    G("assign", "nn", "HEAD", "--stage", "dev")
    G("deprecate", "nn", "v0.0.1", "prod")
    G("register", "rf", "HEAD~1", "--version", "v1.2.3")
    G("assign", "rf", "--version", "v1.2.3", "--stage", "prod", "--simple", "true")
    G("deprecate", "rf", "v1.2.3")
    G("register", "dvc/dir:model", "--version", "v0.5.0")
    G("register", "old")
    G("deprecate", "old")
    compare(r, gto_bin)
    # and git-gto continues the counters GTO started
    r.tick()
    assert r.gto("assign", "nn", "--version", "v0.0.1", "--stage", "prod").lines[0] == \
        "Created git tag 'nn#prod#4' that assigns stage to version 'v0.0.1'"
    compare(r, gto_bin)


def test_git_gto_does_not_need_gto():
    import gitgto

    root = os.path.dirname(os.path.dirname(os.path.abspath(gitgto.__file__)))
    for dirpath, _, files in os.walk(os.path.join(root, "gitgto")):
        for f in files:
            if f.endswith(".py"):
                text = open(os.path.join(dirpath, f), encoding="utf-8").read()
                assert "import gto" not in text and "from gto" not in text, f


def test_every_write_without_force_reads_in_gto(tmp_path, gto_bin):
    """The interoperability rule (DECISIONS §4): every command, counters,
    re-deprecation, unassign, deregister, auto-bump past a deregistered
    version, all without --force, and all written within one second (a write
    never ties, so GTO sees the order in which they happened)."""
    r = GtoRepo(tmp_path)
    r.commit("init")
    w = r.gto
    w("register", "m")
    w("assign", "m", "--stage", "dev")
    w("assign", "m", "--stage", "prod", "--simple", "true")
    w("unassign", "m", "v0.0.1", "dev")
    w("assign", "m", "--version", "v0.0.1", "--stage", "dev")
    r.commit("2")
    w("assign", "m", "HEAD", "--stage", "prod")  # registers v0.0.2 first
    w("assign", "m", "--version", "v0.0.1", "--stage", "prod")  # rollback, same second
    w("deregister", "m", "v0.0.2")
    r.commit("3")
    w("register", "m", "--bump-minor")
    w("register", "d/x:y", "HEAD~2", "--version", "v1.0.0-rc.1")
    w("deprecate", "d/x:y")
    w("register", "d/x:y")  # revives it: v1.0.0
    w("deprecate", "d/x:y")  # re-deprecation: the counter form
    w("register", "gone")
    w("deregister", "gone", "v0.0.1")
    r.commit("4")
    w("register", "gone")  # the only version was deregistered: v0.0.2
    w("deprecate", "gone")
    assert {"d/x=y@deprecated", "gone@v0.0.2", "m#prod", "m@v0.1.0"} <= set(r.tags())
    assert any(t.startswith("d/x=y@deprecated#") for t in r.tags())
    for args in (["show"], ["show", "m"], ["show", "d/x:y", "-d"], ["show", "gone", "-d"], ["history"]):
        gto(r, gto_bin, *args)  # exit 0
    assert json.loads(gto(r, gto_bin, "show", "--json")) == {"m": {"version": "v0.1.0", "stage": {
        "dev": "v0.0.1", "prod": "v0.0.1"}, "registered": True, "active": True}}
    compare(r, gto_bin)


def test_what_needs_force_is_what_gto_cannot_read(tmp_path, gto_bin):
    """The warning --force prints is true: gto 1.10.1 fails on these."""
    r = GtoRepo(tmp_path)
    r.commit("init")
    r.gto("register", "m")
    r.gto("deregister", "m", "v0.0.1")
    assert "two registrations" in r.gto("register", "m", "--force").err
    res = r.run([gto_bin, "show", "m"], check=False, env={"GTO_EMOJIS": "false"})
    assert res.code != 0 and "Multiple registrations" in res.out + res.err
    r.commit("2")
    r.gto("register", "rc", "--version", "v1.0.0-rc.1")
    assert "once a stage is assigned there" in r.gto("register", "rc", "--version", "v1.0.0", "--force").err
    gto(r, gto_bin, "show")  # two versions on one commit: gto still reads it, until a stage tag lands there
    # (issue 17) a stage tag there is what breaks gto: assigning needs --force
    refused = r.gto("assign", "rc", "--version", "v1.0.0", "--stage", "prod", check=1)
    assert "every gto 1.x command in this repository then fails" in refused.err
    gto(r, gto_bin, "show")  # the refusal left gto's registry readable
    forced = r.gto("assign", "rc", "--version", "v1.0.0", "--stage", "prod", "--force")
    assert "every gto 1.x command in this repository then fails" in forced.err
    for args in (["show"], ["history"], ["show", "m"]):  # every command, not only rc's
        res = r.run([gto_bin, *args], check=False, env={"GTO_EMOJIS": "false"})
        assert res.code != 0 and "Multiple versions" in res.out + res.err


def test_tags_with_facts_read_the_same_in_gto(tmp_path, gto_bin):
    """Facts are trailers of the message (facts.py): gto 1.10.1 reads every
    such tag, the message (trailers included) as the text it is."""
    r = GtoRepo(tmp_path)
    r.commit("init")
    r.gto("register", "m", "--meta", "accuracy=0.93", "--meta", "Data-Set=s3://b/2024",
          "--description", "first model")
    r.tick()
    r.gto("assign", "m", "--stage", "prod", "--meta", "approved-by=bob", "-m", "ship it")
    r.commit("2")
    r.gto("register", "m", "--bump-minor", "--description", "second: more data")
    r.tick()
    r.gto("deprecate", "m", "v0.0.1", "prod", "--meta", "reason=rollback")
    compare(r, gto_bin)
    history = json.loads(gto(r, gto_bin, "history", "m", "--json"))
    messages = {e["ref"]: e["message"] for e in history}
    assert messages["m@v0.0.1"].endswith("\n\nAccuracy: 0.93\nData-Set: s3://b/2024\nDescription: first model")
    assert messages["m#prod#1"] == "ship it\n\nApproved-By: bob"
