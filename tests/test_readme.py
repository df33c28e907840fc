"""The README shows real output: its tour is replayed here line by line, and
its Makefile recipe runs against a registry. (The CI steps recipe is run by
test_ci.py.)"""

import os
import re
import subprocess
from datetime import datetime, timedelta

from conftest import ROOT, hermetic_env

README = (ROOT / "README.md").read_text(encoding="utf-8")
TOUR_START = datetime.fromisoformat("2026-11-20T09:00:00+01:00")
TOUR_IDENTITY = {"GIT_AUTHOR_NAME": "Ada Lovelace", "GIT_AUTHOR_EMAIL": "ada@example.com",
                 "GIT_COMMITTER_NAME": "Ada Lovelace", "GIT_COMMITTER_EMAIL": "ada@example.com"}


def block_after(marker):
    """The fenced code block that follows `<!-- marker -->`."""
    m = re.search(r"<!-- " + re.escape(marker) + r" -->\n```[a-z]*\n(.*?)\n```", README, re.S)
    assert m, f"README has no block after <!-- {marker} -->"
    return m.group(1)


def transcript(text):
    """[(command, expected output lines)] from a `$ command` console block."""
    steps = []
    for line in text.split("\n"):
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return steps


def replay(steps, tmp_path):
    """Run each command one minute after the previous one; yield its output lines."""
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "tour"
    work.mkdir()
    env = hermetic_env(home, TOUR_IDENTITY)
    for minute, (command, _) in enumerate(steps, start=1):
        when = (TOUR_START + timedelta(minutes=minute)).isoformat()
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
        proc = subprocess.run(["bash", "-c", command], cwd=work, env=env, capture_output=True, text=True)
        text = (proc.stdout + proc.stderr).rstrip("\n")
        yield text.split("\n") if text else []


def test_tour_is_real_output(tmp_path):
    """README_UPDATE=1 rewrites the tour with the output of this run instead."""
    steps = transcript(block_after("tour"))
    outputs = list(replay(steps, tmp_path))
    if os.environ.get("README_UPDATE") == "1":
        new = "\n".join("\n".join(["$ " + cmd] + out) for (cmd, _), out in zip(steps, outputs))
        (ROOT / "README.md").write_text(README.replace(block_after("tour"), new), encoding="utf-8")
        return
    for (command, expected), got in zip(steps, outputs):
        assert got == expected, f"$ {command}"


def test_makefile_recipe(repo):
    repo.commit("model")
    repo.gto("register", "churn", "--version", "v3.0.0")
    repo.gto("assign", "churn", "--version", "v3.0.0", "--stage", "prod")
    repo.write("Makefile", block_after("recipe: makefile") + "\n")
    sha = repo.sha()[:7]
    out = subprocess.run(["make", "-s", "deploy"], cwd=repo.path, env=repo.env, capture_output=True, text=True)
    assert (out.returncode, out.stdout) == (0, f"deploying churn@v3.0.0 from commit {sha}\n")


def test_makefile_recipe_fails_when_nothing_is_in_prod(repo):
    repo.commit("model")
    repo.gto("register", "churn")
    repo.write("Makefile", block_after("recipe: makefile") + "\n")
    out = subprocess.run(["make", "-s", "deploy"], cwd=repo.path, env=repo.env, capture_output=True, text=True)
    assert out.returncode != 0 and "nothing in prod" in out.stderr
    assert "No version of 'churn' is in stage 'prod'" in out.stderr  # which says why


def test_makefile_recipe_latest(repo):
    repo.commit("model")
    repo.gto("register", "churn", "--version", "v3.0.0")
    repo.gto("assign", "churn", "--version", "v3.0.0", "--stage", "prod")
    repo.commit("better model")
    repo.gto("register", "churn", "--version", "v3.1.0")
    repo.write("Makefile", block_after("recipe: makefile") + "\n")
    out = subprocess.run(["make", "-s", "candidate"], cwd=repo.path, env=repo.env, capture_output=True, text=True)
    assert (out.returncode, out.stdout, out.stderr) == (0, "next candidate: v3.1.0\n", "")


def test_makefile_recipe_has_no_hash_inside_shell_calls():
    """GNU make before 4.3 ends a $(shell ...) at a `#` (a comment): the
    recipe must work there too, so none of its $(shell ...) may hold one."""
    recipe = block_after("recipe: makefile")
    calls = re.findall(r"\$\(shell ([^)]*)\)", recipe)
    assert calls, "the recipe has no $(shell ...) left to check"
    assert [c for c in calls if "#" in c] == []
    assert "#" not in "".join(line for line in recipe.splitlines() if not line.startswith("\t"))


def test_set_e_script_stops_when_nothing_is_in_prod(repo):
    """The README's shell form: `set -e; model=$(git gto which churn prod --ref)`."""
    script = re.search(r"`(set -e; model=\$\(git gto which [^`]*\))`", README).group(1) + "; echo \"got $model\""
    repo.commit("model")
    repo.gto("register", "churn", "--version", "v3.0.0")
    out = subprocess.run(["bash", "-c", script], cwd=repo.path, env=repo.env, capture_output=True, text=True)
    assert (out.returncode, out.stdout) == (1, "")
    repo.gto("assign", "churn", "--version", "v3.0.0", "--stage", "prod")
    out = subprocess.run(["bash", "-c", script], cwd=repo.path, env=repo.env, capture_output=True, text=True)
    assert (out.returncode, out.stdout) == (0, "got churn@v3.0.0\n")
