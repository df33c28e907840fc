"""The GitHub action (.ci/action, issue 18): its steps are scripts, run here
outside GitHub with a simulated GITHUB_REF, GITHUB_OUTPUT and
GITHUB_STEP_SUMMARY, in a clone like the one actions/checkout makes for a
pushed tag (depth 1, the triggering tag recreated lightweight), against a
local bare remote. The outputs file is checked exactly."""

import re
import shutil
import subprocess

import pytest
import yaml

from conftest import ROOT

ACTION = ROOT / ".ci" / "action"
STEPS = ("install.sh", "fetch.sh", "check.sh", "summary.sh")


@pytest.fixture
def remote(make_repo):
    """A registry pushed to a bare remote; its newest events are on main's tip."""
    src = make_repo("src")
    src.commit("one", {"model.pkl": "1", "artifacts.yaml": "churn:\n  type: model\n  path: models/churn.pkl\n"
                                                              "  description: Churn model\n"})
    src.gto("register", "churn", "--version", "v3.0.0")
    src.commit("two", {"model.pkl": "2"})
    src.gto("register", "churn", "--version", "v3.1.0")
    src.gto("assign", "churn", "--version", "v3.1.0", "--stage", "prod")
    bare = make_repo("remote.git", bare=True)
    src.git("push", "-q", str(bare.path), "main", "--tags")
    bare.src = src
    bare.url = "file://" + str(bare.path)
    return bare


def checkout(make_repo, remote, tag=None):
    """What actions/checkout@v4 leaves for a pushed tag: a depth-1 clone
    without tags, the tag recreated lightweight, HEAD detached at it."""
    c = make_repo("ci")
    shutil.rmtree(c.path / ".git")
    c.git("clone", "-q", "--depth", "1", "--no-tags", remote.url, str(c.path))
    if tag is not None:
        c.git("tag", tag, "HEAD")  # lightweight, as the checkout makes it
        c.git("checkout", "-q", "--detach", tag)
    return c


def step(c, script, ref, tmp_path, env=None, check=0):
    """Run one step script as the action runs it; returns (result, outputs text, summary text)."""
    out, summary = tmp_path / "github_output", tmp_path / "step_summary"
    for f in (out, summary):
        f.write_text("")
    full = dict(c.env, GITHUB_REF=ref, GITHUB_OUTPUT=str(out), GITHUB_STEP_SUMMARY=str(summary), **(env or {}))
    proc = subprocess.run([str(ACTION / script)], cwd=c.path, env=full, capture_output=True, text=True)
    assert proc.returncode == check, (script, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    return proc, out.read_text(), summary.read_text()


def run_action(c, ref, tmp_path, env=None, check=0):
    """fetch.sh, then check.sh, then summary.sh with check's outputs (as action.yml wires them)."""
    step(c, "fetch.sh", ref, tmp_path)
    proc, outputs, _ = step(c, "check.sh", ref, tmp_path, env, check=check)
    values = dict(line.split("=", 1) for line in outputs.splitlines() if "=" in line)
    wired = {"GTO_" + key.upper(): values.get(key, "") for key in ("event", "name", "version", "stage", "verified")}
    _, _, summary = step(c, "summary.sh", ref, tmp_path, wired)
    return proc, outputs, summary


def test_an_assignment_tag_sets_every_output(make_repo, remote, tmp_path):
    c = checkout(make_repo, remote, "churn#prod#1")
    proc, outputs, summary = run_action(c, "refs/tags/churn#prod#1", tmp_path)
    assert outputs == ("name=churn\nstage=prod\nversion=v3.1.0\nevent=assignment\n"
                       "type=model\npath=models/churn.pkl\ndescription=Churn model\n")
    assert summary == ("### GTO: `churn#prod#1`\n\n| event | artifact | version | stage | verified |\n"
                       "| --- | --- | --- | --- | --- |\n| assignment | churn | v3.1.0 | prod | - |\n")
    assert "After Git tag parsing, the following outputs are set:\nname=churn\n" in proc.stdout
    assert c.git("cat-file", "-t", "churn#prod#1") == "tag"  # the lightweight tag was repaired
    assert c.git("rev-parse", "--is-shallow-repository") == "false"


def test_a_registration_has_no_stage(make_repo, remote, tmp_path):
    c = checkout(make_repo, remote, "churn@v3.1.0")
    _, outputs, summary = run_action(c, "refs/tags/churn@v3.1.0", tmp_path, {"GTO_SHOW": "false"})
    assert outputs == ("name=churn\nstage=\nversion=v3.1.0\nevent=registration\n"
                       "type=model\npath=models/churn.pkl\ndescription=Churn model\n")
    assert summary.endswith("| registration | churn | v3.1.0 | - | - |\n")


def test_a_ref_that_is_not_a_gto_tag_sets_empty_outputs(make_repo, remote, tmp_path):
    c = checkout(make_repo, remote)
    _, outputs, summary = run_action(c, "refs/heads/main", tmp_path)
    assert outputs == "name=\nstage=\nversion=\nevent=\ntype=\npath=\ndescription=\n"
    assert summary == "`refs/heads/main` is not a GTO event.\n"


def test_without_the_fetch_step_the_lightweight_tag_is_an_error(make_repo, remote, tmp_path):
    """Why fetch.sh exists: silence would skip the deployment."""
    c = checkout(make_repo, remote, "churn#prod#1")
    proc, outputs, _ = step(c, "check.sh", "refs/tags/churn#prod#1", tmp_path, check=1)
    assert "is a lightweight tag here" in proc.stderr and outputs == ""


def test_a_multi_line_description_cannot_set_other_outputs(make_repo, remote, tmp_path):
    remote.src.commit("three", {"artifacts.yaml": "churn:\n  type: model\n  description: |\n"
                                                  "    two lines\n    verified=true\n"})
    remote.src.gto("register", "churn", "--version", "v3.2.0")
    remote.src.git("push", "-q", str(remote.path), "main", "--tags")
    c = checkout(make_repo, remote, "churn@v3.2.0")
    _, outputs, _ = run_action(c, "refs/tags/churn@v3.2.0", tmp_path)
    m = re.fullmatch(r"name=churn\nstage=\nversion=v3.2.0\nevent=registration\ntype=model\npath=\n"
                     r"description<<(GTO_EOF_[0-9a-f]{24})\ntwo lines\nverified=true\n\1\n", outputs)
    assert m, outputs


POLICY = "register: {signed_by: [ml]}\ngroups:\n  ml: [alice@example.com]\nsigners: .gto-signers\n"


@pytest.mark.parametrize("policy, verified, code", [("{}\n", "true", 0), (POLICY, "false", 1)])
def test_verified_when_a_policy_exists(make_repo, remote, tmp_path, policy, verified, code):
    remote.src.commit("policy", {".gto-policy": policy, ".gto-signers": ""})
    remote.src.gto("register", "churn", "--version", "v3.2.0", "--no-sign", check=policy == "{}\n")
    if policy != "{}\n":  # the policy refuses the unsigned write: make the tag as gto would
        remote.src.tag("churn@v3.2.0")
    remote.src.git("push", "-q", str(remote.path), "main", "--tags")
    c = checkout(make_repo, remote, "churn@v3.2.0")
    _, outputs, summary = run_action(c, "refs/tags/churn@v3.2.0", tmp_path, check=code)
    assert outputs.endswith(f"description=Churn model\nverified={verified}\n"), outputs
    assert summary.endswith(f"| registration | churn | v3.2.0 | - | {verified} |\n")


def test_policy_ref_names_where_the_policy_is_read(make_repo, remote, tmp_path):
    c = checkout(make_repo, remote, "churn#prod#1")
    step(c, "fetch.sh", "refs/tags/churn#prod#1", tmp_path)
    c.commit("a policy on another branch", {".gto-policy": POLICY, ".gto-signers": ""})
    c.git("branch", "policy")
    c.git("checkout", "-q", "--detach", "churn#prod#1")
    _, outputs, _ = step(c, "check.sh", "refs/tags/churn#prod#1", tmp_path, {"GTO_POLICY_REF": "policy"})
    assert outputs.endswith("description=Churn model\nverified=true\n")  # (POLICY has no stage rules)
    _, outputs, _ = step(c, "check.sh", "refs/tags/churn#prod#1", tmp_path)
    assert "verified" not in outputs  # HEAD has no policy


def test_install_puts_git_gto_on_the_path_of_the_next_steps(repo, tmp_path):
    import sys

    prefix, path_file = tmp_path / "prefix", tmp_path / "github_path"
    env = dict(repo.env, GTO_PREFIX=str(prefix), GTO_PYTHON=sys.executable, GITHUB_PATH=str(path_file),
               RUNNER_TEMP=str(tmp_path))
    proc = subprocess.run([str(ACTION / "install.sh")], cwd=repo.path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("git-gto version ")
    assert path_file.read_text() == f"{prefix}/bin\n"
    assert (prefix / "bin" / "git-gto-check-ref").exists()


def test_action_yml_runs_the_scripts_and_exposes_their_outputs():
    action = yaml.safe_load((ACTION / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    runs = [s["run"] for s in action["runs"]["steps"]]
    assert runs == [f'"$GITHUB_ACTION_PATH/{script}"' for script in STEPS]
    for script in STEPS:
        assert (ACTION / script).stat().st_mode & 0o111, script
    # gto-action's inputs and outputs, one to one, and git-gto's additions
    assert list(action["inputs"]) == ["show", "history", "print-outputs", "policy-ref", "remote"]
    assert set(action["outputs"]) == {"event", "name", "version", "stage", "type", "path", "description", "verified"}
    for key, spec in action["outputs"].items():
        assert spec["value"] == "${{ steps.check.outputs.%s }}" % key
