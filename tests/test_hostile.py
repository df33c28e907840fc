"""Hostile input, table-driven: for every command and every class of value a
user can type (names, stages, versions, refs, messages, YAML files, odd
repositories), git gto either answers or fails with ONE line `❌ ...` on
stderr (exit 1; argparse's usage error, exit 2, for values that look like
options) and leaves tags, refs, the work tree and the files exactly as they
were. No traceback, ever."""

import json
import os
import shutil
import subprocess

import pytest

from conftest import Repo

# -- helpers -------------------------------------------------------------------------

WATCHED = (".gto", "artifacts.yaml", "dvc.yaml")


def snapshot(repo):
    """Everything a command must not change: refs, HEAD, the work tree, the files."""
    refs = repo.git("for-each-ref", "--format=%(refname) %(objectname)")
    head = repo.git("symbolic-ref", "-q", "HEAD", check=False) + " " + repo.git("rev-parse", "-q", "--verify",
                                                                               "HEAD", check=False)
    bare = repo.git("rev-parse", "--is-bare-repository") == "true"
    status = "" if bare else repo.git("status", "--porcelain", "--ignored", "--untracked-files=all")
    files = {}
    for name in WATCHED:
        p = repo.path / name
        files[name] = p.read_bytes() if p.is_file() else ("<directory>" if p.is_dir() else None)
    listing = sorted(str(p.relative_to(repo.path)) for p in repo.path.rglob("*")
                     if ".git" not in p.relative_to(repo.path).parts[:1] or bare)
    return refs, head, status, files, listing


def assert_clean_error(res, code=1):
    """Exit `code`; stderr: an optional `warning:` line, then exactly one line
    `❌ ...` (exit 1, or 3: cannot check) or argparse's usage + `error:` line (exit 2)."""
    assert res.code == code, res
    assert "Traceback" not in res.err, res
    assert "Unexpected error" not in res.err, res
    lines = res.err.splitlines()
    if lines and lines[0].startswith("warning: "):
        lines = lines[1:]
    if code in (1, 3):
        assert len(lines) == 1 and lines[0].startswith("❌ "), res
        assert len(lines[0]) <= 1002, res  # a 10,000-character value is not echoed whole
    else:
        assert lines and lines[0].startswith("usage: ") and ": error: " in lines[-1], res


def run_unchanged(repo, args, code):
    """Run; exit `code` (None: any) and nothing changed."""
    before = snapshot(repo)
    res = repo.gto(*args, check=False)
    assert code is None or res.code == code, res
    assert snapshot(repo) == before, res
    return res


# -- the repository the table runs against ---------------------------------------------

ANNOTATIONS = "rf:\n  type: model\n  path: model.pkl\n"


def populate(repo):
    repo.commit("one", {"model.pkl": "1", "artifacts.yaml": ANNOTATIONS, ".gitignore": "*.tmp\n"})
    repo.tag("rf@v1.0.0")
    repo.tag("rf#dev#1")
    repo.commit("two", {"model.pkl": "2"})
    repo.write("scratch.tmp", "ignored file\n")  # an ignored file, to see it stays
    return repo


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    from conftest import Clock, hermetic_env

    base = tmp_path_factory.mktemp("hostile-template")
    home = base / "home"
    home.mkdir()
    r = Repo(base / "repo", hermetic_env(home), Clock())
    return populate(r)


@pytest.fixture
def hrepo(template, tmp_path):
    """A fresh copy of the populated repository (cheaper than re-creating it)."""
    dest = tmp_path / "repo"
    shutil.copytree(template.path, dest, symlinks=True)
    r = Repo.__new__(Repo)
    r.path, r.env, r.clock = dest, template.env, template.clock
    return r


# -- value classes ---------------------------------------------------------------------

BAD_NAMES = {
    "empty": "",
    "space": "a b",
    "newline": "a\nb",
    "control": "a\x01b",
    "non-ascii": "modèle",
    "dotdot": "a..b",
    "double-slash": "a//b",
    "lock": "x.lock",
    "reflog": "a@{1}",
    "star": "a*",
    "bracket": "a[b",
    "huge": "a" * 10_000,
    "version-lookalike": "a@v1.0.0",
    "stage-lookalike": "a#b",
    "dot-component": "a/.b",
}

BAD_STAGES = {k: v for k, v in BAD_NAMES.items() if k not in ("version-lookalike", "dot-component")}
BAD_STAGES["leading-dash"] = "-x"
BAD_STAGES["colon"] = "d:prod"

BAD_VERSIONS = {
    "no-v": "1.0.0",
    "capital-v": "V1.0.0",
    "leading-zero": "v01.0.0",
    "short": "v1",
    "empty": "",
    "newline": "v1.0.0\n",
    "huge": "v1.0.0-" + "a" * 10_000,
}

BAD_REFS = {
    "missing": "nope",
    "tree": "HEAD^{tree}",
    "blob": "HEAD:model.pkl",
    "newline": "HEAD\nHEAD",
    "range": "HEAD~1..HEAD",
    "huge": "x" * 10_000,
    "reflog": "@{-1}",
}


def name_rows():
    """(id, args, expected exit) for every command that takes an artifact name.
    Options come first and `--` ends them, so each value reaches the command."""
    rows = []
    for key, name in dict(BAD_NAMES, **{"leading-dash": "-x"}).items():
        rows += [
            (f"show-{key}", ["show", "--", name], 1),
            (f"history-{key}", ["history", "--", name], 1),
            (f"describe-{key}", ["describe", "--", name], 1),
            (f"register-{key}", ["register", "--", name], 1),
            (f"assign-{key}", ["assign", "--stage", "dev", "--", name], 1),
            (f"deprecate-{key}", ["deprecate", "--", name], 1),
            (f"deprecate2-{key}", ["deprecate", "--", name, "v1.0.0"], 1),
            (f"unassign-{key}", ["unassign", "--", name, "v1.0.0", "dev"], 1),
            (f"deregister-{key}", ["deregister", "--", name, "v1.0.0"], 1),
            (f"annotate-{key}", ["annotate", "--", name], 1),
            (f"remove-{key}", ["remove", "--", name], 1),
        ]
    return rows


def stage_rows():
    rows = []
    for key, stage in BAD_STAGES.items():
        rows += [
            (f"assign-{key}", ["assign", "--version", "v1.0.0", "--stage=" + stage, "rf"], 1),
            (f"unassign-{key}", ["unassign", "--", "rf", "v1.0.0", stage], 1),
            (f"deprecate3-{key}", ["deprecate", "--", "rf", "v1.0.0", stage], 1),
            (f"show-shortcut-{key}", ["show", "--", "rf#" + stage], 1),
            (f"annotate-type-{key}", ["annotate", "--type=" + stage, "rf"], 1),
            (f"annotate-label-{key}", ["annotate", "--label=" + stage, "rf"], 1),
        ]
    return rows


def version_rows():
    rows = []
    for key, version in BAD_VERSIONS.items():
        rows += [
            (f"register-{key}", ["register", "--version=" + version, "rf"], 1),
            (f"assign-{key}", ["assign", "--stage", "prod", "--version=" + version, "rf"], 1),
            (f"assign-ref-{key}", ["assign", "--stage", "prod", "--version=" + version, "rf", "HEAD"], 1),
            (f"deregister-{key}", ["deregister", "--", "rf", version], 1),
            (f"deprecate2-{key}", ["deprecate", "--", "rf", version], 1),
            (f"unassign-{key}", ["unassign", "--", "rf", version, "dev"], 1),
            # A valid SemVer that names no version: nothing to show.
            (f"show-shortcut-{key}", ["show", "--", "rf@" + version], 0 if key == "huge" else 1),
        ]
    return rows


def ref_rows():
    rows = []
    for key, ref in BAD_REFS.items():
        rows += [
            (f"register-{key}", ["register", "--", "rf", ref], 1),
            (f"assign-{key}", ["assign", "--stage", "prod", "--", "rf", ref], 1),
            (f"deprecate-{key}", ["deprecate", "--ref=" + ref, "rf"], 1),
            (f"describe-{key}", ["describe", "--rev=" + ref, "rf"], 1),
            # Not a GTO tag: check-ref prints nothing and exits 0 (documented).
            (f"check-ref-{key}", ["check-ref", "--", ref], 0),
        ]
    # A value that looks like an option where a positional is expected: argparse, exit 2.
    for cmd in (["register", "rf"], ["assign", "rf", "--stage", "dev"], ["check-ref"], ["show"],
                ["history"], ["describe"], ["remove"], ["annotate"], ["deprecate", "rf"],
                ["unassign", "rf", "v1.0.0"], ["deregister", "rf"], ["stages"], ["doctor"], ["status"]):
        rows.append((f"{cmd[0]}-option-like", cmd + ["--output=x"], 2))
    rows += [
        # Option values that look like options are usage errors too ...
        ("assign-stage-dash", ["assign", "rf", "--stage", "-x"], 2),
        ("describe-rev-dash", ["describe", "rf", "--rev", "--output=x"], 2),
        ("deprecate-ref-dash", ["deprecate", "rf", "--ref", "--output=x"], 2),
        ("register-leading-dash-name", ["register", "-x"], 2),
        # ... unless glued with `=`: then it is a value, and refused as one.
        ("deprecate-ref-glued", ["deprecate", "rf", "--ref=--output=x"], 1),
        ("describe-rev-glued", ["describe", "rf", "--rev=--output=x"], 1),
        ("check-ref-leading-dash", ["check-ref", "--", "-x@v1.0.0"], 0),
        ("check-ref-fetch-dash-remote", ["check-ref", "rf@v1.0.0", "--fetch", "--remote=-x"], 1),
        ("check-ref-fetch-ext-remote", ["check-ref", "rf@v1.0.0", "--fetch", "--remote=ext::sh -c touch% pwned"], 1),
        ("status-dash-remote", ["status", "--remote=-x"], 3),  # status: 3 = cannot check
        ("status-ext-remote", ["status", "--remote=ext::sh -c touch% pwned"], 3),
        ("status-missing-remote", ["status", "--remote=nope"], 3),
        ("register-push-dash-remote", ["register", "rf", "--push", "--remote=--upload-pack=touch pwned"], 1),
        ("register-repo-dash", ["register", "rf", "--repo=-x"], 1),
        ("show-repo-dash", ["show", "--repo=--upload-pack=touch pwned"], 1),
        ("show-repo-ext", ["show", "--repo=ext::sh -c touch% pwned"], 1),
    ]
    return rows


def table(rows):
    return pytest.mark.parametrize("args,code", [pytest.param(a, c, id=i) for i, a, c in rows])


@table(name_rows())
def test_bad_names(hrepo, args, code):
    assert_clean_error(run_unchanged(hrepo, args, code), code)


@table(stage_rows())
def test_bad_stages(hrepo, args, code):
    assert_clean_error(run_unchanged(hrepo, args, code), code)


@table(version_rows())
def test_bad_versions(hrepo, args, code):
    res = run_unchanged(hrepo, args, code)
    if code == 0:
        assert res.code == 0 and res.err == "", res
    else:
        assert_clean_error(res, code)


@table(ref_rows())
def test_bad_refs(hrepo, args, code):
    res = run_unchanged(hrepo, args, code)
    assert not (hrepo.path / "pwned").exists()
    if code == 0:
        assert res.code == 0 and res.out == "" and res.err == "", res
    else:
        assert_clean_error(res, code)


# -- messages: stored verbatim, never interpreted ---------------------------------------

MESSAGES = {
    "newlines": "first line\n\nsecond paragraph\n# not a comment\n",
    "leading-dash": "-d --force",
    "option-like": "--output=x",
    "shell": "$(touch pwned); `touch pwned`",
    "non-ascii": "modèle ✅ 模型",
    "crlf": "windows\r\nline",
    # One argv string is capped at 128 KiB by Linux; a 1 MiB message is tested below.
    "100k": "x" * 100_000,
}


def raw_tag_body(repo, tag):
    out = subprocess.run(["git", "cat-file", "tag", tag], cwd=repo.path, env=repo.env,
                         capture_output=True, check=True).stdout
    return out.split(b"\n\n", 1)[1]


@pytest.mark.parametrize("message", MESSAGES.values(), ids=list(MESSAGES))
@pytest.mark.parametrize("command", ["register", "assign", "deprecate"])
def test_messages_stored_verbatim(hrepo, command, message):
    args = {"register": ["register", "rf", "--version", "v2.0.0"],
            "assign": ["assign", "rf", "--version", "v1.0.0", "--stage", "prod"],
            "deprecate": ["deprecate", "rf"]}[command]
    res = hrepo.gto(*args, "--message=" + message)
    tag = {"register": "rf@v2.0.0", "assign": "rf#prod#2", "deprecate": "rf@deprecated"}[command]
    assert f"'{tag}'" in res.out
    assert not (hrepo.path / "pwned").exists()
    assert raw_tag_body(hrepo, tag) in (message.encode(), message.encode() + b"\n")
    events = json.loads(hrepo.gto("history", "rf", "--json").out)
    assert [e["message"] for e in events if e["ref"] == tag] == [message.strip()]


def test_megabyte_message_read_back(hrepo):
    message = ("line of text " * 80 + "\n") * 1000  # ~1 MiB
    hrepo.git("tag", "-a", "--cleanup=verbatim", "-F", "-", "rf#prod#5", "HEAD~1", input=message)
    events = json.loads(hrepo.gto("history", "rf", "--json").out)
    assert [e["message"] for e in events if e["ref"] == "rf#prod#5"] == [message.strip()]
    check = json.loads(hrepo.gto("check-ref", "rf#prod#5", "--json").out)
    assert check["message"] == message.strip()


# -- YAML files ---------------------------------------------------------------------------

UNSAFE = '!!python/object/apply:os.system ["touch pwned"]'
YAML_FILES = {
    "gto-unsafe": (".gto", f"stages: {UNSAFE}\n"),
    "gto-unsafe-top": (".gto", UNSAFE + "\n"),
    "gto-malformed": (".gto", "stages: [dev, prod\n"),
    "gto-tabs": (".gto", "stages:\n\t- dev\n"),
    "gto-wrong-type": (".gto", "stages: dev\n"),
    "gto-wrong-type-int": (".gto", "stages: [1, 2]\n"),
    "gto-list": (".gto", "- dev\n- prod\n"),
    "gto-bad-stage-name": (".gto", "stages: ['a b']\n"),
    "gto-unknown-key": (".gto", "stagez: [dev]\n"),
    "gto-emojis-type": (".gto", "emojis: [1]\n"),
    "gto-not-utf8": (".gto", b"stages: [\xff\xfe]\n"),
    "gto-nested-aliases": (".gto", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                                   "stages: *b\n"),
    "artifacts-unsafe": ("artifacts.yaml", f"rf: {UNSAFE}\n"),
    "artifacts-unsafe-field": ("artifacts.yaml", f"rf:\n  type: {UNSAFE}\n"),
    "artifacts-malformed": ("artifacts.yaml", "rf: {type: model\n"),
    "artifacts-wrong-type": ("artifacts.yaml", "rf: model\n"),
    "artifacts-list": ("artifacts.yaml", "- rf\n"),
    "artifacts-labels-type": ("artifacts.yaml", "rf: {labels: tabular}\n"),
    "artifacts-bad-name": ("artifacts.yaml", "'a b': {type: model}\n"),
    # (An unknown key in an entry is kept, not an error: test_annotate.py.)
    "artifacts-not-utf8": ("artifacts.yaml", b"rf: {type: \xff}\n"),
    "dvc-unsafe": ("dvc.yaml", f"artifacts:\n  rf: {UNSAFE}\n"),
    "dvc-malformed": ("dvc.yaml", "artifacts: [\n"),
    "dvc-wrong-type": ("dvc.yaml", "artifacts: [rf]\n"),
    "dvc-no-path": ("dvc.yaml", "artifacts:\n  rf: {type: model}\n"),
    # Files that fight back: every command meets them (see EVERY_COMMAND).
    "gto-deep": (".gto", "stages: " + "[" * 100 + "]" * 100 + "\n"),
    "gto-deep-huge": (".gto", "[" * 200_000 + "\n"),
    "gto-deep-block": (".gto", "".join("  " * i + f"k{i}:\n" for i in range(70)) + "\n"),
    "gto-deep-aliases": (".gto", "a: &a " + "[" * 40 + "]" * 40 + "\nstages: " + "[" * 30 + "*a" + "]" * 30 + "\n"),
    "gto-duplicate": (".gto", "stages: [dev]\nstages: [prod]\n"),
    "artifacts-deep": ("artifacts.yaml", "rf:\n  custom: " + "[" * 100 + "]" * 100 + "\n"),
    "artifacts-deep-sequence": ("artifacts.yaml", "rf:\n  custom:\n" + "    " + "- " * 100 + "x\n"),
    "artifacts-duplicate": ("artifacts.yaml", "rf:\n  type: model\nrf:\n  type: dataset\n"),
    "artifacts-duplicate-field": ("artifacts.yaml", "rf:\n  type: model\n  type: dataset\n"),
    "dvc-deep": ("dvc.yaml", "artifacts:\n  rf:\n    path: m.pkl\n    meta: " + "{a: " * 100 + "1" + "}" * 100 + "\n"),
    "dvc-duplicate": ("dvc.yaml", "artifacts:\n  rf: {path: a.pkl}\n  rf: {path: b.pkl}\n"),
}
FIGHT_BACK = ("-deep", "-duplicate")

# Who reads what. `.gto`: every command (the payload is tried on all of them,
# the other broken files on a few). artifacts.yaml: the work-tree file
# (describe, annotate, remove) and HEAD's (show, doctor). dvc.yaml: HEAD's.
GTO_READERS = [["show"], ["history"], ["stages"], ["doctor"], ["status"], ["describe", "rf"],
               ["check-ref", "rf@v1.0.0"], ["register", "rf"],
               ["assign", "rf", "--version", "v1.0.0", "--stage", "prod"], ["deprecate", "rf"],
               ["unassign", "rf", "v1.0.0", "dev"], ["deregister", "rf", "v1.0.0"],
               ["annotate", "rf", "--type", "model"], ["remove", "rf"]]
GTO_SOME = [["show"], ["register", "rf"], ["annotate", "rf", "--type", "model"]]
ANNOTATION_READERS = [["show"], ["show", "rf"], ["show", "--all-branches"], ["doctor"], ["describe", "rf"],
                      ["annotate", "rf", "--type", "model"], ["remove", "rf"]]
ANNOTATION_SOME = [["show"], ["describe", "rf"], ["annotate", "rf", "--type", "model"]]
DVC_READERS = [["show"], ["doctor"], ["describe", "other"]]


EVERY_COMMAND = GTO_READERS + [["show", "rf"], ["show", "--all-branches"], ["history", "rf"]]
# Annotations are optional metadata: a broken file never stops these (they
# answer from the tags; show, history and check-ref warn), and `doctor`
# reports it; `describe`, `annotate`, `remove` refuse.
ANSWER_FROM_TAGS = {"show", "history", "check-ref", "stages", "status"}


def yaml_rows():
    rows = []
    for key, (file, text) in YAML_FILES.items():
        if any(mark in key for mark in FIGHT_BACK):
            readers = EVERY_COMMAND
        elif file == ".gto":
            readers = GTO_READERS if key.startswith("gto-unsafe") else GTO_SOME
        elif file == "artifacts.yaml":
            readers = ANNOTATION_READERS if key.startswith("artifacts-unsafe") else ANNOTATION_SOME
        else:
            readers = DVC_READERS
        if file == "dvc.yaml":  # read for artifacts artifacts.yaml lacks; annotate/remove edit only that file
            readers = [["describe", "other"] if c == ["describe", "rf"] else c for c in readers]
        for cmd in readers:
            rows.append(pytest.param(file, text, cmd, id=f"{key}-{'-'.join(cmd[:1] + cmd[2:3])}"))
    return rows


@pytest.mark.parametrize("file,text,cmd", yaml_rows())
def test_bad_yaml(hrepo, file, text, cmd):
    path = hrepo.path / file
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    if file != ".gto":
        hrepo.commit("broken " + file)  # read from HEAD as well as from the work tree
    if file == ".gto" or cmd[0] == "describe" or (file == "artifacts.yaml" and cmd[0] in ("annotate", "remove")):
        res = run_unchanged(hrepo, cmd, 1)
        assert_clean_error(res)
        assert file in res.err, res  # the message names the file
    elif cmd[0] == "doctor":
        res = run_unchanged(hrepo, cmd, 1)
        assert "Traceback" not in res.err and res.err == "", res
        assert any(line.startswith("❌ ") and file in line for line in res.lines), res  # a finding
    elif cmd[0] in ANSWER_FROM_TAGS:
        res = run_unchanged(hrepo, cmd, None if cmd[0] == "status" else 0)  # (status: no origin here)
        assert "Traceback" not in res.err, res
        if cmd[0] in ("show", "history", "check-ref"):  # one warning naming the file (DECISIONS §7)
            assert len(res.err_lines) == 1 and res.err.startswith("warning: ") and file in res.err, res
        else:  # the others never read it
            assert file not in res.err, res
        if cmd == ["show"]:
            assert res.lines[3].startswith("│ rf ") and "v1.0.0" in res.lines[3], res
    else:  # a write that never reads annotations
        res = hrepo.gto(*cmd, check=False)
        assert res.code == 0 and "Traceback" not in res.err and "❌" not in res.err, res
    assert not (hrepo.path / "pwned").exists()


def test_unsafe_yaml_never_runs_anywhere(hrepo):
    """Every command, every file with the os.system payload at once: no `pwned`."""
    hrepo.write(".gto", f"stages: {UNSAFE}\n")
    hrepo.write("artifacts.yaml", f"rf: {UNSAFE}\n")
    hrepo.write("dvc.yaml", f"artifacts:\n  x: {UNSAFE}\n")
    for cmd in GTO_READERS:
        assert_clean_error(hrepo.gto(*cmd, check=False))
    assert not (hrepo.path / "pwned").exists()


def test_huge_gto_file_refused(hrepo):
    hrepo.write(".gto", "# " + "x" * (1 << 20) + "\nstages: [dev]\n")
    res = run_unchanged(hrepo, ["show"], 1)
    assert_clean_error(res)
    assert ".gto" in res.err and "1 MiB" in res.err


def test_huge_artifacts_yaml_refused(hrepo):
    hrepo.write("artifacts.yaml", "# " + "x" * (16 << 20) + "\nrf: {type: model}\n")
    for cmd in (["describe", "rf"], ["annotate", "rf", "--type", "model"], ["remove", "rf"]):
        res = run_unchanged(hrepo, cmd, 1)
        assert_clean_error(res)
        assert "16 MiB" in res.err


def test_huge_committed_artifacts_yaml_refused(hrepo):
    hrepo.write("artifacts.yaml", "# " + "x" * (16 << 20) + "\nrf: {type: model}\n")
    hrepo.commit("huge")
    res = run_unchanged(hrepo, ["show"], 0)  # annotations are optional: the tags answer
    assert len(res.err_lines) == 1 and res.err.startswith("warning: ") and "16 MiB" in res.err, res
    assert "v1.0.0" in res.out


# -- repositories ----------------------------------------------------------------------

ALL_READ = [["show"], ["show", "rf"], ["history"], ["history", "rf"], ["check-ref", "rf@v1.0.0"],
            ["describe", "rf"], ["stages"], ["doctor"]]
ALL_WRITE = [["register", "rf"], ["assign", "rf", "--stage", "dev"], ["deprecate", "rf"],
             ["unassign", "rf", "v1.0.0", "dev"], ["deregister", "rf", "v1.0.0"],
             ["annotate", "rf", "--type", "model"], ["remove", "rf"]]
EVERY = ALL_READ + ALL_WRITE + [["status"]]


@pytest.mark.parametrize("cmd", EVERY, ids=lambda c: "-".join(c))
def test_not_a_repository(tmp_path, make_repo, cmd):
    r = make_repo("somewhere")
    shutil.rmtree(r.path / ".git")
    env = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    res = r.gto(*cmd, check=False, env=env)
    assert_clean_error(res)
    assert "not a git repository" in res.err.lower()
    assert sorted(os.listdir(r.path)) == []


@pytest.mark.parametrize("cmd", EVERY, ids=lambda c: "-".join(c))
def test_repo_option_not_a_repository(tmp_path, repo, cmd):
    (tmp_path / "plain").mkdir()
    res = repo.gto(*cmd, "-r", str(tmp_path / "plain"), check=False,
                   env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert_clean_error(res)
    assert os.listdir(tmp_path / "plain") == []


NO_COMMITS = {
    "show": (["show"], 0),
    "show-json": (["show", "--json"], 0),
    "show-rf": (["show", "rf"], 1),  # Cannot find artifact 'rf'
    "history": (["history"], 0),
    "stages": (["stages"], 0),
    "doctor": (["doctor"], 0),
    "check-ref": (["check-ref", "rf@v1.0.0"], 0),
    "describe": (["describe", "rf"], 1),  # Cannot find artifact 'rf', as show (issue 17)
    "register": (["register", "rf"], 1),
    "assign": (["assign", "rf", "--stage", "dev"], 1),
    "deprecate": (["deprecate", "rf"], 1),
    "deregister": (["deregister", "rf", "v1.0.0"], 1),
    "unassign": (["unassign", "rf", "v1.0.0", "dev"], 1),
    "remove": (["remove", "rf"], 1),
}


@pytest.mark.parametrize("cmd,code", NO_COMMITS.values(), ids=list(NO_COMMITS))
def test_no_commits(repo, cmd, code):
    res = run_unchanged(repo, cmd, code)
    if code:
        assert_clean_error(res)
    else:
        assert res.code == 0 and "Traceback" not in res.err, res


def test_annotate_without_commits_works(repo):
    repo.gto("annotate", "rf", "--type", "model")
    assert "rf:" in (repo.path / "artifacts.yaml").read_text()


@pytest.fixture
def bare(hrepo, make_repo, tmp_path):
    b = make_repo("bare.git", bare=True)
    hrepo.git("push", "-q", "--tags", str(b.path), "main")
    return b


BARE = {
    "show": (["show", "--plain"], 0),
    "show-rf": (["show", "rf"], 0),
    "history": (["history"], 0),
    "check-ref": (["check-ref", "rf@v1.0.0"], 0),
    "describe": (["describe", "rf"], 0),
    "stages": (["stages"], 0),
    "doctor": (["doctor"], 0),
    "register": (["register", "rf", "--version", "v2.0.0"], 0),
    "annotate": (["annotate", "rf", "--type", "model"], 1),
    "remove": (["remove", "rf"], 1),
}


@pytest.mark.parametrize("cmd,code", BARE.values(), ids=list(BARE))
def test_bare_repository(bare, cmd, code):
    if code:
        res = run_unchanged(bare, cmd, code)
        assert_clean_error(res)
        assert "bare" in res.err
        return
    res = bare.gto(*cmd)
    assert "Traceback" not in res.err
    if cmd[0] == "show" and cmd[1:] == ["--plain"]:
        assert res.out.splitlines()[1].startswith("rf\tv1.0.0")
    if cmd[0] == "describe":
        assert json.loads(res.out)["type"] == "model"  # from HEAD's artifacts.yaml


def test_detached_head(hrepo):
    hrepo.git("checkout", "-q", "--detach", "HEAD~1")
    assert hrepo.gto("show", "--plain").out.splitlines()[1].startswith("rf\tv1.0.0")
    hrepo.commit("on a detached HEAD")
    hrepo.gto("register", "rf", "--version", "v1.1.0")
    hrepo.gto("assign", "rf", "--version", "v1.0.0", "--stage", "prod")
    assert hrepo.gto("show", "rf#prod", "--version").out == "v1.0.0\n"
    assert hrepo.gto("describe", "rf", "--type").out == "model\n"


# -- odd tags: no tagger, dates before 1970 or far in the future, odd time zones ------------

def mktag(repo, name, tagger_line, message="hand-made", commit="HEAD~1"):
    """An annotated tag object written by hand (`git mktag`), then the ref."""
    sha = repo.sha(commit)
    body = f"object {sha}\ntype commit\ntag {name}\n" + (tagger_line + "\n" if tagger_line else "") + \
           f"\n{message}\n"
    oid = repo.git("mktag", input=body, check=False)
    if not oid:  # mktag insists on a tagger: write the object literally
        oid = repo.git("hash-object", "-t", "tag", "-w", "--literally", "--stdin", input=body)
    repo.git("update-ref", "refs/tags/" + name, oid)
    return oid


def test_tag_without_tagger(hrepo):
    mktag(hrepo, "rf#prod#2", None)
    for cmd in ALL_READ + [["show", "--json"], ["history", "--json"], ["check-ref", "rf#prod#2", "--json"]]:
        res = hrepo.gto(*cmd)
        assert "Traceback" not in res.err
    assert hrepo.gto("check-ref", "rf#prod#2", "--event").out == "assignment\n"
    # With no date it is the oldest event: v1.0.0 holds prod, dev from #1 is newer.
    hrepo.gto("assign", "rf", "--version", "v1.0.0", "--stage", "staging")
    assert "rf#staging#3" in hrepo.git("tag")


ODD_DATES = {
    "before-1970": "-100000000 +0000",
    "epoch": "0 +0000",
    "year-2200": "7258118400 +0000",
    "plus-1400": "1700000100 +1400",
    "minus-1200": "1700000100 -1200",
    "plus-0530": "1700000100 +0530",
    "minus-0000": "1700000100 -0000",
    "bad-zone": "1700000100 +9999",
    "huge-ts": "99999999999999999999 +0000",
}


@pytest.mark.parametrize("date", ODD_DATES.values(), ids=list(ODD_DATES))
def test_odd_tagger_dates_read(hrepo, date):
    mktag(hrepo, "rf#prod#2", f"tagger Odd Tagger <odd@example.com> {date}")
    for cmd in ALL_READ + [["show", "--json"], ["history", "--json"], ["history", "--plain"],
                           ["check-ref", "rf#prod#2", "--json"], ["show", "rf"]]:
        res = hrepo.gto(*cmd, check=False)
        assert res.code in (0, 1) and "Traceback" not in res.err, res
        if cmd[0] != "doctor":
            assert res.code == 0, res
    assert hrepo.gto("show", "rf#prod", "--version").out == "v1.0.0\n"
    history = json.loads(hrepo.gto("history", "rf", "--json").out)
    assert {e["ref"] for e in history} == {"rf@v1.0.0", "rf#dev#1", "rf#prod#2"}


def test_events_order_by_instant_across_time_zones(hrepo):
    """Events sort by instant, whatever the writer's time zone: 10:00 at +1400
    is before 09:00 at -1200. Each timestamp keeps its own offset."""
    base = 1_800_000_000
    mktag(hrepo, "rf#a#5", f"tagger T <t@example.com> {base + 30} -1200")
    mktag(hrepo, "rf#b#6", f"tagger T <t@example.com> {base + 10} +1400")
    mktag(hrepo, "rf#c#7", f"tagger T <t@example.com> {base + 20} +0530")
    mktag(hrepo, "rf#d#8", "tagger T <t@example.com> -5000 +0000")
    mktag(hrepo, "rf#e#9", "tagger T <t@example.com> 7258118400 +0000")
    events = json.loads(hrepo.gto("history", "rf", "--json", "--ascending").out)
    odd = [e for e in events if e["ref"] in ("rf#a#5", "rf#b#6", "rf#c#7", "rf#d#8", "rf#e#9")]
    assert [e["ref"] for e in odd] == ["rf#d#8", "rf#b#6", "rf#c#7", "rf#a#5", "rf#e#9"]
    zones = {e["ref"]: e["timestamp"][-6:] for e in odd}
    assert zones == {"rf#d#8": "+00:00", "rf#b#6": "+14:00", "rf#c#7": "+05:30", "rf#a#5": "-12:00",
                     "rf#e#9": "+00:00"}
    assert [e["timestamp"] for e in odd][-1].startswith("2200-")
    assert [e["timestamp"] for e in odd][0].startswith("1969-")
    # The newest assignment (year 2200) holds its stage; `show` agrees with history.
    assert hrepo.gto("show", "rf#e", "--version").out == "v1.0.0\n"


def test_created_tag_ignored(hrepo):
    hrepo.tag("rf@created")
    hrepo.tag("x@created")
    assert "x" not in json.loads(hrepo.gto("show", "--json").out)
    for cmd in ALL_READ + [["check-ref", "x@created"], ["history", "x"], ["show", "x"]]:
        res = hrepo.gto(*cmd, check=False)
        assert "Traceback" not in res.err, res
        if cmd[0] == "doctor":
            assert "'x@created' is reserved" in res.out
        elif cmd == ["show", "x"]:
            assert_clean_error(res)  # Cannot find artifact 'x', as for any unknown name
        else:
            assert res.code == 0, res
    assert hrepo.gto("check-ref", "x@created").out == ""
    assert [e["ref"] for e in json.loads(hrepo.gto("history", "rf", "--json").out)] == ["rf#dev#1", "rf@v1.0.0"]
    hrepo.gto("register", "x")
    assert "x@v0.0.1" in hrepo.git("tag").split()
