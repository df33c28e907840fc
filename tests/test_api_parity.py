"""gitgto.api against gto.api (issue 18): every function called on the same
repository through both, the results compared after JSON normalisation.

gto 1.10.1 runs in its own venv (test_interop's gto_bin fixture; skipped when
it cannot be installed), git-gto with this interpreter: each side runs one
script (below) in a subprocess with the repository's hermetic environment,
calling `<module>.<function>(*args, **kwargs)` for a list of calls and
printing the results as JSON. Objects become their dict_state() (pydantic
objects: their model dump), datetimes ISO text, enums their value, errors
{"error": class name} (git-gto's may be a subclass of gto's). git-gto's answers may carry extra keys (DECISIONS §5);
gto's `enrichments` (commit events) are not part of git-gto's objects."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gtorepo import GtoRepo
from test_interop import gto_bin  # noqa: F401 (the fixture installing gto 1.10.1)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import datetime, enum, importlib, json, sys

api = importlib.import_module(sys.argv[1])


def plain(value):
    if hasattr(value, "dict_state"):
        value = value.dict_state()
    elif hasattr(value, "model_dump"):
        value = value.model_dump()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


results = []
for name, args, kwargs in json.load(sys.stdin):
    try:
        results.append(plain(getattr(api, name)(*args, **kwargs)))
    except Exception as exc:  # noqa: BLE001 - the class name is the answer
        results.append({"error": type(exc).__name__, "classes": [c.__name__ for c in type(exc).__mro__]})
print(json.dumps(results))
"""

# Keys of gto's objects that git-gto's do not have: commit events.
THEIRS_ONLY = {"enrichments"}


def run_side(r, python, module, calls):
    env = dict(r.env, GTO_EMOJIS="false", PYTHONPATH=str(ROOT) if module == "gitgto.api" else "")
    calls = [(name, args if name == "parse_tag" else [str(r.path)] + args, kwargs) for name, args, kwargs in calls]
    proc = subprocess.run([python, "-c", SCRIPT, module], input=json.dumps(calls), cwd=str(r.path), env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def gto_python(gto_bin):  # noqa: F811
    return str(Path(gto_bin).parent / "python")


def same(theirs, ours, where="result"):
    """Ours carries every key of theirs with the same value (extra keys allowed)."""
    if isinstance(theirs, dict) and "error" in theirs:  # gto's class, or a subclass of it
        assert isinstance(ours, dict) and theirs["error"] in ours.get("classes", ()), (where, theirs, ours)
    elif isinstance(theirs, dict):
        assert isinstance(ours, dict), (where, theirs, ours)
        for key, value in theirs.items():
            if key in THEIRS_ONLY:
                continue
            assert key in ours, (where, key, ours)
            same(value, ours[key], f"{where}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs), (where, theirs, ours)
        for i, (a, b) in enumerate(zip(theirs, ours)):
            same(a, b, f"{where}[{i}]")
    else:
        assert theirs == ours, (where, theirs, ours)


@pytest.fixture
def showcase(tmp_path):
    """A registry written by git-gto's CLI: two artifacts, an annotation,
    stages moved, a deregistration and an unassignment."""
    r = GtoRepo(tmp_path)
    first = r.commit("first", {"artifacts.yaml": "rf:\n  type: model\n  path: models/rf.pkl\n"})
    r.commit("second", {"artifacts.yaml": "rf:\n  type: model\n  path: models/rf2.pkl\n"})
    r.gto("register", "rf", first, "--version", "v1.2.3")
    r.tick()
    r.gto("register", "rf", "--version", "v1.2.4")
    r.tick()
    r.gto("assign", "rf", "--version", "v1.2.3", "--stage", "staging")
    r.tick()
    r.gto("assign", "rf", "--version", "v1.2.4", "--stage", "prod")
    r.tick()
    r.gto("assign", "rf", "--version", "v1.2.4", "--stage", "staging")
    r.tick()
    r.gto("register", "nn", first, "--version", "v0.0.1")
    r.tick()
    r.gto("register", "nn", "--version", "v0.1.0")
    r.tick()
    r.gto("assign", "nn", "--version", "v0.0.1", "--stage", "dev")
    r.tick()
    r.gto("unassign", "nn", "v0.0.1", "dev")
    r.tick()
    r.gto("deregister", "nn", "v0.1.0")
    r.tick()
    return r


READS = [
    ("get_stages", [], {}),
    ("get_stages", [], {"used": True}),
    ("get_stages", [], {"allowed": True}),
    ("describe", ["rf"], {}),
    ("describe", ["rf"], {"rev": "HEAD~1"}),
    ("describe", ["rf@v1.2.3"], {}),
    ("describe", ["rf@v1.2.3"], {"rev": "HEAD"}),
    ("describe", ["nope"], {}),
    ("show", [], {}),
    ("show", [], {"deprecated": True}),
    ("show", [], {"table": True}),
    ("show", ["rf"], {}),
    ("show", ["rf"], {"versions_per_stage": -1}),
    ("show", ["rf"], {"table": True}),
    ("show", ["nn"], {"deprecated": True}),
    ("show", ["rf#staging"], {}),
    ("show", ["rf@latest"], {}),
    ("history", [], {}),
    ("history", ["nn"], {"ascending": True}),
    ("history", ["rf"], {"table": True}),
    ("check_ref", ["rf@v1.2.3"], {}),
    ("check_ref", ["refs/tags/rf#prod#2"], {}),
    ("check_ref", ["nn#dev!#2"], {}),
    ("check_ref", ["nn@v0.1.0!"], {}),
    ("check_ref", ["not-a-tag"], {}),
    ("find_latest_version", ["rf"], {}),
    ("find_latest_version", ["rf"], {"all": True}),
    ("find_latest_version", ["nn"], {}),
    ("find_versions_in_stage", ["rf", "staging"], {}),
    ("find_versions_in_stage", ["rf", "staging"], {"versions_per_stage": -1}),
    ("find_versions_in_stage", ["rf", "dev"], {}),
    ("parse_tag", ["rf#prod#2"], {}),
    ("parse_tag", ["rf@v1.2.3!"], {}),
    ("parse_tag", ["rf@deprecated"], {}),
    ("parse_tag", ["rf#prod!#3"], {}),
]


def test_every_read_answers_the_same(showcase, gto_bin):  # noqa: F811
    theirs = run_side(showcase, gto_python(gto_bin), "gto.api", READS)
    ours = run_side(showcase, sys.executable, "gitgto.api", READS)
    for call, a, b in zip(READS, theirs, ours):
        same(a, b, repr(call))
    for call, answer in zip(READS, ours):  # (not vacuous: every tag named is an event)
        if call[0] == "check_ref" and call[1] != ["not-a-tag"]:
            assert len(answer) == 1 and answer[0]["tag"] == call[1][0].replace("refs/tags/", ""), (call, answer)
    assert ours[READS.index(("show", [], {}))]["rf"]["stage"] == {"prod": "v1.2.4", "staging": "v1.2.4"}


WRITES = [
    # (not `register rf HEAD~1 --version X --force`: a 2nd version on a commit, DECISIONS §4)
    ("register", ["fresh", "HEAD"], {}),
    ("register", ["fresh", "HEAD~1"], {"bump_minor": True}),
    ("assign", ["fresh", "prod"], {"version": "v0.0.1"}),
    ("assign", ["fresh", "dev"], {"ref": "HEAD", "name_version": "v9.0.0"}),
    ("assign", ["other", "dev"], {"ref": "HEAD", "skip_registration": True}),
    ("unassign", ["fresh"], {"version": "v0.0.1", "stage": "prod"}),
    ("deregister", ["fresh"], {"version": "v0.1.0"}),
    ("deprecate", ["nn"], {}),
    ("deprecate", ["nn"], {}),
    ("register", ["rf", "HEAD"], {"version": "v1.2.4"}),
    ("register", ["rf", "HEAD"], {"version": "v2.0.0"}),
    ("unassign", ["rf"], {"version": "v1.2.3", "stage": "prod"}),
    ("deregister", ["rf"], {"version": "v1.2.4", "delete": True}),
    ("show", [], {}),
    ("history", [], {}),
]


def test_every_write_does_the_same(showcase, gto_bin, tmp_path):  # noqa: F811
    """Each side writes to its own copy of the registry; the events returned,
    the errors raised and the registry afterwards are the same (the tags'
    dates aside: each side writes at its own clock)."""
    mine = showcase.copy(tmp_path / "mine")
    theirs = run_side(showcase, gto_python(gto_bin), "gto.api", WRITES)
    ours = run_side(mine, sys.executable, "gitgto.api", WRITES)
    differ = []
    for call, a, b in zip(WRITES, theirs, ours):
        if call[0] == "history":  # (each side's clock orders its own writes)
            a, b = (sorted(x, key=lambda e: e["ref"]) for x in (a, b))
        try:
            same(undated(a), undated(b), repr(call))
        except AssertionError as exc:
            differ.append(str(exc)[:300])
    assert not differ, "\n".join(differ)
    assert ours[WRITES.index(("deprecate", ["nn"], {}))]["tag"] == "nn@deprecated"
    assert showcase.tags() == mine.tags()


def undated(value):
    """The times of a write are each side's own clock."""
    if isinstance(value, dict):
        return {k: undated(v) for k, v in value.items() if k not in ("created_at", "timestamp", "activated_at")}
    if isinstance(value, list):
        return [undated(v) for v in value]
    return value

