"""describe, stages, doctor, the dispatcher, configuration and the ways of
pointing git-gto at a repository, through the real `git gto` executable."""

import json
import os
import stat
import subprocess

import pytest

from conftest import BIN


def lines(res):
    return res.out.splitlines()


@pytest.fixture
def tagged(repo):
    repo.c1 = repo.commit("one")
    repo.tag("rf@v1.0.0")
    repo.tag("rf#prod#1")
    repo.tag("nn@v0.1.0")
    repo.tag("nn#dev#2")
    return repo


# -- describe ----------------------------------------------------------------------

INDEX = """\
rf:
  type: model
  path: models/rf.pkl
  virtual: false
  labels: [a-label, b-label]
  description: Random forest
  custom: '{"k": 1}'
bare: {}
"""


def test_describe_worktree_artifacts_yaml(repo):
    repo.commit("one", {"artifacts.yaml": INDEX})
    assert json.loads(repo.gto("describe", "rf").out) == {
        "type": "model", "path": "models/rf.pkl", "virtual": False, "labels": ["a-label", "b-label"],
        "description": "Random forest", "custom": '{"k": 1}'}
    assert list(json.loads(repo.gto("describe", "rf").out)) == ["type", "path", "virtual", "labels",
                                                                "description", "custom"]
    assert json.loads(repo.gto("describe", "bare").out) == {}  # defaults are left out
    assert repo.gto("describe", "nope", expect=1).err == "❌ Cannot find artifact 'nope'\n"  # as show (issue 17)


@pytest.mark.parametrize("flag,expected", [("--type", "model\n"), ("--path", "models/rf.pkl\n"),
                                           ("--description", "Random forest\n"), ("--custom", '{"k": 1}\n')])
def test_describe_field_flags(repo, flag, expected):
    repo.commit("one", {"artifacts.yaml": INDEX})
    assert repo.gto("describe", "rf", flag).out == expected
    assert repo.gto("describe", "bare", flag).out == ""  # unset: nothing


def test_describe_rev_reads_the_committed_file(repo):
    first = repo.commit("zero")
    repo.commit("one", {"artifacts.yaml": INDEX})
    repo.write("artifacts.yaml", "rf: {type: dataset}\n")  # uncommitted change
    assert repo.gto("describe", "rf", "--type").out == "dataset\n"
    assert repo.gto("describe", "rf", "--rev", "HEAD", "--type").out == "model\n"
    assert repo.gto("describe", "rf", "--rev", first).out == ""  # no artifacts.yaml there: nothing, no crash
    assert repo.gto("describe", "rf", "--rev", "nope", expect=1).err.startswith("❌ ")


def test_describe_dvc_yaml(repo):
    repo.commit("one", {
        "dvc.yaml": "artifacts:\n  top:\n    path: top.pkl\n    type: model\n    desc: Top model\n"
                    "    labels: [x]\n    meta: {framework: pytorch}\n",
        "models/churn/dvc.yaml": "stages: {}\nartifacts:\n  model:\n    path: model.pkl\n",
        "other/dvc.yaml": "stages: {}\n",
    })
    assert json.loads(repo.gto("describe", "top").out) == {
        "type": "model", "path": "top.pkl", "labels": ["x"], "description": "Top model",
        "custom": {"framework": "pytorch"}}
    assert json.loads(repo.gto("describe", "models/churn:model").out) == {"path": "model.pkl"}
    assert repo.gto("describe", "model", expect=1).err.startswith("❌ Cannot find artifact 'model'")  # issue 17
    # dvc.yaml artifacts are discovered like artifacts.yaml ones: `*dir:name`
    assert lines(repo.gto("show", "--name")) == ["*models/churn:model", "*top"]


def test_describe_shortcut(repo):
    repo.commit("one", {"artifacts.yaml": "rf: {type: model, path: old.pkl}\n"})
    repo.tag("rf@v1.0.0")
    repo.tag("rf#prod#1")
    repo.commit("two", {"artifacts.yaml": "rf: {type: model, path: new.pkl}\n"})
    repo.tag("rf@v1.1.0")
    assert repo.gto("describe", "rf@v1.0.0", "--path").out == "old.pkl\n"
    assert repo.gto("describe", "rf#prod", "--path").out == "old.pkl\n"
    assert repo.gto("describe", "rf@latest", "--path").out == "new.pkl\n"
    assert repo.gto("describe", "rf@v9.0.0").out == ""
    res = repo.gto("describe", "rf#prod", "--rev", "HEAD", expect=1)
    assert res.err == "❌ Either specify revision or use naming shortcut.\n"


def test_describe_usage(repo):
    repo.commit("one", {"artifacts.yaml": INDEX})
    repo.gto("describe", "rf", "--type", "--path", expect=2)
    repo.gto("describe", expect=2)


def test_describe_broken_artifacts_yaml(repo):
    repo.commit("one", {"artifacts.yaml": "rf: [1, 2\n"})
    res = repo.gto("describe", "rf", expect=1)
    assert res.err.startswith("❌ artifacts.yaml file doesn't conform to GTO format") and res.err.count("\n") == 1


# -- stages ------------------------------------------------------------------------

def test_stages_used(tagged):
    assert lines(tagged.gto("stages")) == ["dev", "prod"]
    assert lines(tagged.gto("stages", "--used")) == ["dev", "prod"]
    assert json.loads(tagged.gto("stages", "--json").out) == ["dev", "prod"]
    assert tagged.gto("stages", "--allowed").out == ""
    assert tagged.gto("stages", "--allowed", "--json").out == "null\n"


def test_stages_used_are_only_active_ones(tagged):
    tagged.tag("nn#dev!#3")
    tagged.tag("rf#qa#4")
    tagged.tag("rf@v1.0.0!")
    assert tagged.gto("stages", "--used").out == ""
    assert tagged.gto("stages", "--used", "--json").out == "[]\n"


def test_stages_with_config(tagged):
    tagged.write(".gto", "stages: [staging, dev, prod]\n")
    assert lines(tagged.gto("stages")) == ["staging", "dev", "prod"]
    assert lines(tagged.gto("stages", "--allowed")) == ["staging", "dev", "prod"]
    assert lines(tagged.gto("stages", "--used")) == ["dev", "prod"]
    assert json.loads(tagged.gto("stages", "--allowed", "--json").out) == ["staging", "dev", "prod"]


def test_stages_env_overrides_config(tagged):
    tagged.write(".gto", "stages: [dev]\n")
    env = {"GTO_STAGES": '["qa", "prod"]'}
    assert lines(tagged.gto("stages", env=env)) == ["qa", "prod"]
    assert tagged.gto("show", "--plain", env=env).out.splitlines()[0].split("\t") == ["name", "latest", "#qa",
                                                                                      "#prod"]


def test_stages_allowed_and_used_conflict(tagged):
    tagged.gto("stages", "--allowed", "--used", expect=2)


# -- configuration errors ---------------------------------------------------------------

@pytest.mark.parametrize("text,key", [("WRONG\n", None), ("stages: dev\n", "stages"), ("colour: red\n", "colour"),
                                      ("stages: [1]\n", "stages"), ("stages: [a b]\n", "stages"),
                                      ("stages: [dev\n", None), ("emojis: maybe\n", "emojis")])
def test_bad_config_is_a_one_line_error_naming_the_file(tagged, text, key):
    tagged.write(".gto", text)
    path = str(tagged.path / ".gto")
    for command in (("show",), ("history",), ("stages",), ("show", "rf"), ("check-ref", "rf@v1.0.0")):
        res = tagged.gto(*command, expect=1)
        assert res.out == "", command
        assert res.err.startswith(f"❌ Wrong config file '{path}'"), (command, res.err)
        assert res.err.count("\n") == 1 and "Traceback" not in res.err
        if key:
            assert key in res.err


def test_config_keys_are_case_insensitive_and_empty_file_is_fine(tagged):
    tagged.write(".gto", "")
    tagged.gto("show")
    tagged.write(".gto", "Stages: [prod]\nTYPES: [model]\n")
    assert lines(tagged.gto("stages")) == ["prod"]


def test_bad_env_config(tagged):
    res = tagged.gto("show", env={"GTO_STAGES": "qa"}, expect=1)
    assert res.err.startswith("❌ Wrong environment variable GTO_STAGES") and res.err.count("\n") == 1


def test_gto_emojis_false(tagged):
    env = {"GTO_EMOJIS": "false"}
    assert tagged.gto("check-ref", "rf#prod#1", env=env).out.startswith(' Stage "prod" was assigned')
    assert tagged.gto("show", "nope", env=env, expect=1).err == "Cannot find artifact 'nope'\n"
    assert tagged.gto("doctor", env=env).out.splitlines()[-1] == " No issues found"
    tagged.write(".gto", "emojis: false\n")  # git-gto honours the file too (DECISIONS §6)
    assert tagged.gto("show", "nope", expect=1).err == "Cannot find artifact 'nope'\n"
    assert tagged.gto("show", "nope", env={"GTO_EMOJIS": "true"}, expect=1).err == "❌ Cannot find artifact 'nope'\n"


# -- where the repository is ---------------------------------------------------------

def run_git(repo, *args, cwd):
    proc = subprocess.run(["git", *args], cwd=cwd, env=repo._env(), capture_output=True, text=True)
    return proc


def test_outside_a_repository(repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    env = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    for command in (("show",), ("history",), ("check-ref", "rf@v1.0.0"), ("stages",), ("describe", "rf"),
                    ("show", "rf")):
        res = repo.gto(*command, cwd=outside, env=env, expect=1)
        assert res.err == f"❌ Not a git repository: '{outside}' (or any of its parent directories)\n", command
    res = repo.gto("show", "-r", str(outside), env=env, expect=1)
    assert "Not a git repository" in res.err


def test_git_dash_c_and_subdirectory_and_repo_option(tagged, tmp_path):
    expected = tagged.gto("show", "--plain").out
    proc = run_git(tagged, "-C", str(tagged.path), "gto", "show", "--plain", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (0, expected)
    sub = tagged.path / "a" / "b"
    sub.mkdir(parents=True)
    assert tagged.gto("show", "--plain", cwd=sub).out == expected
    assert tagged.gto("show", "--plain", "-r", str(tagged.path), cwd=tmp_path).out == expected
    assert tagged.gto("show", "--plain", "--repo", str(sub), cwd=tmp_path).out == expected


def test_config_is_read_from_the_work_tree_root_when_in_a_subdirectory(tagged):
    tagged.write(".gto", "stages: [prod, dev, qa]\n")
    sub = tagged.path / "sub"
    sub.mkdir()
    assert lines(tagged.gto("stages", cwd=sub)) == ["prod", "dev", "qa"]


def test_bare_repository(tagged, make_repo, tmp_path):
    bare = tmp_path / "bare.git"
    tagged.git("clone", "-q", "--bare", str(tagged.path), str(bare))
    expected = tagged.gto("show", "--plain").out
    assert tagged.gto("show", "--plain", cwd=bare).out == expected
    assert tagged.gto("show", "rf", "--version", cwd=bare).out == "v1.0.0\n"
    assert tagged.gto("history", "--json", cwd=bare).out == tagged.gto("history", "--json").out
    assert tagged.gto("check-ref", "rf#prod#1", "--event", cwd=bare).out == "assignment\n"
    assert lines(tagged.gto("stages", cwd=bare)) == ["dev", "prod"]
    assert tagged.gto("doctor", cwd=bare).code == 0


def test_git_dir_environment_is_honoured(tagged, tmp_path):
    res = tagged.gto("show", "--name", cwd=tmp_path, env={"GIT_DIR": str(tagged.path / ".git")})
    assert lines(res) == ["nn", "rf"]


# -- doctor ----------------------------------------------------------------------------

def test_doctor_no_issues(tagged):
    res = tagged.gto("doctor")
    assert res.out.splitlines()[0].startswith("🪴  git-gto version: ")
    assert res.out.splitlines()[-1] == "✅  No issues found"
    assert "CONFIG_FILE=None" in res.out  # no .gto here
    assert "STAGES=None" in res.out


def test_doctor_shows_the_repo_config(tagged):
    tagged.write(".gto", "stages: [dev, prod]\n")
    out = tagged.gto("doctor").out
    assert "STAGES=['dev', 'prod']" in out and "CONFIG_FILE='.gto'" in out


def test_two_versions_on_one_commit_keep_working_and_doctor_reports(tagged):
    tagged.tag("mo@v3.0.0")
    tagged.tag("mo@v3.1.0")
    tagged.tag("mo#prod#1")
    assert lines(tagged.gto("show", "mo", "--version")) == ["v3.1.0", "v3.0.0"]
    assert lines(tagged.gto("show", "mo#prod", "--version")) == ["v3.1.0"]
    assert tagged.gto("show", "--plain").out.splitlines()[1].split("\t")[:2] == ["mo", "v3.1.0"]
    assert tagged.gto("check-ref", "mo@v3.0.0", "--version").out == "v3.0.0\n"
    assert len(json.loads(tagged.gto("history", "mo", "--json").out)) == 3
    res = tagged.gto("doctor", expect=1)
    assert f"artifact 'mo' has 2 versions on commit {tagged.c1[:7]}: v3.0.0, v3.1.0 " \
           "(gto 1.x cannot read stage tags there)" in res.out


def test_doctor_reports_a_version_registered_twice(tagged):
    tagged.tag("mo@v3.0.0")
    tagged.tag("mo@v3.0.0!")
    tagged.tag("mo@v3.0.0#2")
    res = tagged.gto("doctor", expect=1)
    assert "artifact 'mo' version v3.0.0 is registered 2 times: gto 1.x cannot read it" in res.out


def test_doctor_lightweight_gto_tag(tagged):
    tagged.tag("rf#staging#5", lightweight=True)
    res = tagged.gto("doctor", expect=1)
    assert "'rf#staging#5' is a lightweight tag" in res.out


@pytest.mark.parametrize("tag", ["rf@1.0.0", "rf@v1.0", "rf#prod#x", "rf@V1.0.0", "rf@created"])
def test_doctor_near_miss_tags(tagged, tag):
    tagged.tag(tag)
    res = tagged.gto("doctor", expect=1)
    assert f"'{tag}'" in res.out
    tagged.gto("show")  # and nothing else breaks


def test_doctor_ignores_ordinary_tags(tagged):
    tagged.tag("v1.0.0")
    tagged.tag("release-2024")
    tagged.gto("doctor")


def test_shallow_clone(tagged, tmp_path):
    tagged.commit("two")
    clone = tmp_path / "shallow"
    tagged.git("clone", "-q", "--depth", "1", "file://" + str(tagged.path), str(clone))
    res = tagged.gto("doctor", cwd=clone, expect=1)
    assert "shallow clone" in res.out
    res = tagged.gto("show", "--name", cwd=clone)  # the tags on the cut-off commit did not come along
    assert res.err.startswith("warning: this is a shallow clone") and res.out == ""


def test_doctor_with_broken_config_prints_header_then_fails(tagged):
    tagged.write(".gto", "WRONG\n")
    res = tagged.gto("doctor", expect=1)
    assert res.out.startswith("🪴  git-gto version:") and res.err.startswith("❌ Wrong config file")


# -- the dispatcher -----------------------------------------------------------------------

def test_git_gto_lists_commands(repo):
    res = repo.gto(check=False)
    assert res.code == 1  # like `git` without a command
    for section in ("Read the registry:", "Modify artifacts:"):
        assert section in res.out
    for command in ("show", "history", "check-ref", "describe", "stages", "doctor", "register",
                    "assign (promote)", "deprecate"):
        assert f"   {command} " in res.out


def test_git_gto_h(repo):
    res = repo.gto("-h")
    assert res.out.startswith("usage: git gto") and "check-ref" in res.out


def test_version(repo):
    from gitgto import __version__

    assert repo.gto("--version").out == f"git-gto version {__version__}\n"


@pytest.mark.parametrize("command,suggestion", [("shwo", "show"), ("histroy", "history"), ("promot", "promote")])
def test_unknown_command_suggests(repo, command, suggestion):
    res = repo.gto(command, expect=2)
    assert f"'{command}' is not a git-gto command" in res.err
    assert f"\t{suggestion}\n" in res.err and res.out == ""


def test_unknown_command_without_suggestion(repo):
    res = repo.gto("zzzzzz", expect=2)
    assert "is not a git-gto command" in res.err and "similar" not in res.err


def test_extension_on_path_runs(repo, tmp_path):
    ext_dir = tmp_path / "ext"
    ext_dir.mkdir()
    ext = ext_dir / "git-gto-foo"
    ext.write_text('#!/bin/sh\necho "foo ran with: $*"\n')
    ext.chmod(ext.stat().st_mode | stat.S_IEXEC)
    env = {"PATH": str(ext_dir) + os.pathsep + repo.env["PATH"]}
    res = repo.gto("foo", "a b", "--c", env=env)
    assert res.out == "foo ran with: a b --c\n"


def test_git_gto_command_links(tagged):
    expected = tagged.gto("show", "--plain").out
    proc = subprocess.run([str(BIN / "git-gto-show"), "--plain"], cwd=tagged.path, env=tagged.env,
                          capture_output=True, text=True)
    assert (proc.returncode, proc.stdout) == (0, expected)
    proc = run_git(tagged, "gto-history", "--plain", cwd=tagged.path)
    assert proc.stdout == tagged.gto("history", "--plain").out
    assert (BIN / "git-gto-show").is_symlink()


def test_promote_is_assign(tagged):
    res = tagged.gto("promote", "-h")
    assert res.out.startswith("usage: git gto assign")
    # same parse: the stage is required in both
    a = tagged.gto("assign", "rf", expect=2)
    p = tagged.gto("promote", "rf", expect=2)
    assert a.err == p.err and "--stage" in a.err


def test_command_help(repo):
    for command in ("show", "history", "check-ref", "describe", "stages", "doctor"):
        res = repo.gto(command, "-h")
        assert res.out.startswith(f"usage: git gto {command}")


def test_no_traceback_unless_asked(tagged):
    tagged.write(".gto", "WRONG\n")
    assert "Traceback" not in tagged.gto("show", expect=1).err
    res = tagged.gto("show", "--traceback", check=False)
    assert res.code == 1 and "Traceback" in res.err


def test_a_missing_dependency_is_a_clear_error(tagged, tmp_path):
    """An interpreter without `sh` (here: one that cannot import it) gets told
    which package to install, not a traceback."""
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sh.py").write_text("raise ModuleNotFoundError('no sh here', name='sh')\n")
    res = tagged.gto("show", env={"PYTHONPATH": str(blocker)}, expect=1)
    assert "Traceback" not in res.err
    assert res.err.startswith("❌ git-gto needs the Python package 'sh'")
