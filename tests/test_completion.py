"""Shell completion: bash (run for real, through git's own completion script), fish
(run through `complete -C`), zsh (syntax). Every test runs in temporary
repositories with a temporary HOME and a fixed git identity."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from gitgto.commands import ALIASES, COMMANDS  # noqa: E402

BASH_FILE = ROOT / "completions" / "git-gto"
ZSH_FILE = ROOT / "completions" / "_git-gto"
FISH_FILE = ROOT / "completions" / "git-gto.fish"

# Where distributions put git's bash completion script.
GIT_BASH_COMPLETION = next(
    (
        p
        for p in (
            "/usr/share/bash-completion/completions/git",
            "/usr/share/git-core/contrib/completion/git-completion.bash",
            "/etc/bash_completion.d/git",
        )
        if os.path.exists(p)
    ),
    None,
)
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"

needs_git_bash = pytest.mark.skipif(
    GIT_BASH_COMPLETION is None or shutil.which("bash") is None,
    reason="bash or git's bash completion script (package git or bash-completion) not installed",
)
needs_fish = pytest.mark.skipif(shutil.which("fish") is None, reason="fish not installed (apt-get install fish)")
needs_zsh = pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh not installed (apt-get install zsh)")

COMMON = {"-h", "--help", "-r", "--repo", "--traceback"}
ALL_COMMANDS = set(COMMANDS) | set(ALIASES)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "GIT_AUTHOR_DATE": "2024-01-01T00:00:00+00:00",
        "GIT_COMMITTER_DATE": "2024-01-01T00:00:00+00:00",
    }
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    return env


def git(env, cwd, *args, **kwargs):
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="module")
def repo(env, tmp_path_factory):
    path = tmp_path_factory.mktemp("repo")
    git(env, path, "init", "-q")
    git(env, path, "commit", "-q", "--allow-empty", "-m", "init")
    for tag in [
        "churn@v1.0.0",
        "churn@v1.1.0-rc.1",
        "churn#prod#1",
        "churn#staging!#2",
        "data/set=ds@v0.0.1",
        "model@v2.0.0",
        "model@deprecated",
    ]:
        git(env, path, "tag", "-a", tag, "-m", "msg")
    # Lightweight GTO tags name artifacts too; the rest are not GTO tags.
    for tag in ["light@v3.0.0", "v1.0", "x@created", "bad@v01.0.0", "m@v1"]:
        git(env, path, "tag", tag)
    git(env, path, "branch", "feature")
    git(env, path, "remote", "add", "origin", "/nonexistent")
    (path / ".gto").write_text("stages: [dev, prod]  # allowed\ntypes: [model]\n")
    (path / "artifacts.yaml").write_text("annotated-only:\n  type: model\n  path: m.pkl\nchurn:\n  path: c\n")
    return path


def comp_words(line):
    """COMP_WORDS as bash builds them: split at blanks, and at ':' and '=' (which
    are in COMP_WORDBREAKS and become words of their own)."""
    words = []
    for token in re.split(r"\s+", line):
        words += [part for part in re.split(r"([:=]+)", token) if part] or [""]
    return words


def run_bash(script, env, cwd):
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", script], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def bash_complete(line, env, cwd, preamble=None):
    """Complete `line` (the cursor at its end) the way readline would, with the
    function registered for its first word, and return COMPREPLY."""
    if preamble is None:
        preamble = f"source {shlex.quote(GIT_BASH_COMPLETION)}; source {shlex.quote(str(BASH_FILE))}"
    words = comp_words(line)
    script = f"""
{preamble}
COMP_LINE={shlex.quote(line)}
COMP_POINT=${{#COMP_LINE}}
COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})
COMP_CWORD={len(words) - 1}
func=$(complete -p {shlex.quote(words[0])} | sed -E 's/.* -F ([^ ]+) .*/\\1/')
"$func" {shlex.quote(words[0])} {shlex.quote(words[-1])} {shlex.quote(words[-2])}
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    out = run_bash(script, env, cwd)
    return [c.rstrip(" ") for c in out.splitlines() if c]


# --- bash ------------------------------------------------------------------


@needs_git_bash
def test_bash_commands(env, repo):
    assert set(bash_complete("git gto ", env, repo)) == ALL_COMMANDS
    assert bash_complete("git gto as", env, repo) == ["assign"]
    assert set(bash_complete("git-gto ", env, repo)) == ALL_COMMANDS


@needs_git_bash
@pytest.mark.parametrize("command", sorted(ALL_COMMANDS))
def test_bash_every_command_has_its_options(env, repo, command):
    options = set(bash_complete(f"git gto {command} -", env, repo))
    assert COMMON < options


@needs_git_bash
def test_bash_options(env, repo):
    options = set(bash_complete("git gto show --", env, repo))
    assert {"--json", "--sort", "--av", "--vs", "--all-commits", "--repo", "--help"} <= options
    assert "-d" not in options  # only --... for `--`
    assert {"--stage", "--sr", "--dry-run", "--simple"} <= set(bash_complete("git gto promote x --", env, repo))


@needs_git_bash
def test_bash_artifacts(env, repo):
    artifacts = bash_complete("git gto assign ", env, repo)
    assert sorted(artifacts) == ["annotated-only", "churn", "data/set:ds", "light", "model"]
    for command in ["show", "history", "describe", "register", "deprecate", "unassign", "deregister", "annotate", "remove"]:
        assert set(bash_complete(f"git gto {command} ", env, repo)) == set(artifacts), command
    assert bash_complete("git gto show ch", env, repo) == ["churn"]


@needs_git_bash
def test_bash_artifact_with_dir(env, repo):
    # readline replaces only the part after the last ':'.
    assert bash_complete("git gto show data/set:", env, repo) == ["ds"]
    assert bash_complete("git gto show data/", env, repo) == ["data/set:ds"]


@needs_git_bash
def test_bash_stages(env, repo):
    stages = ["dev", "prod", "staging"]
    assert sorted(bash_complete("git gto assign m --stage ", env, repo)) == stages
    assert bash_complete("git gto assign m --stage=d", env, repo) == ["dev"]
    assert sorted(bash_complete("git gto deprecate churn v1.0.0 ", env, repo)) == stages
    assert sorted(bash_complete("git gto unassign churn v1.0.0 ", env, repo)) == stages


@needs_git_bash
def test_bash_stages_block_style_and_env(env, tmp_path):
    git(env, tmp_path, "init", "-q")
    (tmp_path / ".gto").write_text("types:\n  - model\nstages:\n  - dev   # first\n  - 'qa'\nemojis: false\n")
    assert bash_complete("git gto assign m --stage ", env, tmp_path) == ["dev", "qa"]
    overridden = dict(env, GTO_STAGES='["canary", "live"]')
    assert bash_complete("git gto assign m --stage ", overridden, tmp_path) == ["canary", "live"]


@needs_git_bash
def test_bash_fixed_values(env, repo):
    assert bash_complete("git gto show --sort ", env, repo) == ["timestamp", "semver"]
    assert bash_complete("git gto show --sort=s", env, repo) == ["semver"]
    assert bash_complete("git gto register x --simple ", env, repo) == ["auto", "true", "false"]
    assert bash_complete("git gto status --remote ", env, repo) == ["origin"]
    assert bash_complete("git gto page --pages ", env, repo) == ["auto", "one", "per-artifact"]


@needs_git_bash
def test_bash_versions(env, repo):
    churn = ["v1.0.0", "v1.1.0-rc.1"]
    assert sorted(bash_complete("git gto assign churn --version ", env, repo)) == churn
    assert sorted(bash_complete("git gto deprecate churn ", env, repo)) == churn
    assert sorted(bash_complete("git gto deprecate -d churn ", env, repo)) == churn  # -d takes no value
    assert bash_complete("git gto deregister data/set:ds ", env, repo) == ["v0.0.1"]
    everything = churn + ["v0.0.1", "v2.0.0", "v3.0.0"]
    assert sorted(bash_complete("git gto assign --version ", env, repo)) == sorted(everything)


@needs_git_bash
def test_bash_values_of_options_are_not_arguments(env, repo):
    # annotate's -d is --description: its value is not the artifact name.
    assert "churn" in bash_complete("git gto annotate -d text ", env, repo)
    assert bash_complete("git gto history --json x ", env, repo) != bash_complete("git gto history ", env, repo)


@needs_git_bash
def test_bash_which_and_latest(env, repo):
    artifacts = ["annotated-only", "churn", "data/set:ds", "light", "model"]
    for command in ["which", "latest"]:
        assert sorted(bash_complete(f"git gto {command} ", env, repo)) == artifacts, command
        assert {"--version", "--ref", "--commit"} <= set(bash_complete(f"git gto {command} churn --", env, repo))
    assert sorted(bash_complete("git gto which churn ", env, repo)) == ["dev", "prod", "staging"]
    assert sorted(bash_complete("git gto which --ref churn p", env, repo)) == ["prod"]  # --ref takes no value
    assert "prod" not in bash_complete("git gto latest churn ", env, repo)  # no second argument


@needs_git_bash
def test_bash_refs_and_tags(env, repo):
    refs = bash_complete("git gto register churn ", env, repo)
    assert {"HEAD", "main", "feature", "churn@v1.0.0"} <= set(refs)
    assert "feature" in bash_complete("git gto describe x --rev ", env, repo)
    tags = bash_complete("git gto check-ref ", env, repo)
    assert sorted(tags) == sorted(
        ["churn@v1.0.0", "churn@v1.1.0-rc.1", "churn#prod#1", "churn#staging\\!#2", "data/set=ds@v0.0.1",
         "model@v2.0.0", "model@deprecated", "light@v3.0.0"]
    )


@needs_git_bash
def test_bash_repo_option(env, repo, tmp_path):
    elsewhere = tmp_path  # not a repository
    expected = bash_complete("git gto assign ", env, repo)
    assert bash_complete("git gto assign ", env, elsewhere) == []
    assert bash_complete(f"git gto assign -r {repo} ", env, elsewhere) == expected
    assert bash_complete(f"git gto assign --repo={repo} ", env, elsewhere) == expected
    assert bash_complete(f"git-gto show -r {repo} --sort timestamp ", env, elsewhere) == expected
    assert sorted(bash_complete(f"git gto assign -r {repo} m --stage ", env, elsewhere)) == ["dev", "prod", "staging"]
    assert bash_complete(f"git gto status -r {repo} --remote ", env, elsewhere) == ["origin"]
    assert {"HEAD", "main"} <= set(bash_complete(f"git gto assign -r {repo} churn ", env, elsewhere))
    assert bash_complete(f"git -C {repo} gto assign --version ", env, elsewhere) != []


@needs_git_bash
@pytest.mark.skipif(not os.path.exists(BASH_COMPLETION), reason="bash-completion not installed")
def test_bash_lazy_loading(env, repo, tmp_path):
    """Installed as completions/git-gto, bash-completion loads it on demand."""
    user_dir = tmp_path / "bash-completion"
    (user_dir / "completions").mkdir(parents=True)
    (user_dir / "completions" / "git-gto").symlink_to(BASH_FILE)
    preamble = f"BASH_COMPLETION_USER_DIR={shlex.quote(str(user_dir))}; source {BASH_COMPLETION}"
    # `git gto`: git's completion (itself loaded on demand) asks for git-gto.
    assert set(bash_complete("git gto ", env, repo, preamble + "; __load_completion git")) == ALL_COMMANDS
    # `git-gto`: loaded first, before git's completion.
    line = "git-gto assign "
    assert "churn" in bash_complete(line, env, repo, preamble + "; __load_completion git-gto")


@needs_git_bash
def test_bash_defines_only_its_own_functions(env, repo):
    script = f"""
source {shlex.quote(GIT_BASH_COMPLETION)}
before=$(declare -F)
source {shlex.quote(str(BASH_FILE))}
comm -13 <(echo "$before" | sort) <(declare -F | sort)
"""
    new = [line.split()[-1] for line in run_bash(script, env, repo).splitlines()]
    assert "_git_gto" in new
    # __git_wrap_git_gto is made by git's own `__git_complete git-gto _git_gto`.
    assert all(f in ("_git_gto", "__git_wrap_git_gto") or f.startswith("__git_gto_") for f in new), new
    # ...and it redefines none of git's.
    defined = re.findall(r"^\s*(\w+)\s*\(\)", BASH_FILE.read_text(), re.M)
    assert all(f == "_git_gto" or f.startswith("__git_gto_") for f in defined), defined


@needs_git_bash
def test_bash_many_tags(env, tmp_path):
    """One for-each-ref per list, parsed by awk: 40,000 tags are fine. (Timing is
    not asserted: it would flake. It takes about 0.05 s here.)"""
    git(env, tmp_path, "init", "-q")
    git(env, tmp_path, "commit", "-q", "--allow-empty", "-m", "init")
    head = git(env, tmp_path, "rev-parse", "HEAD").stdout.strip()
    updates = "".join(
        f"create refs/tags/art{a}@v1.{v}.0 {head}\ncreate refs/tags/art{a}#stage{v % 5}#{v + 1} {head}\n"
        for a in range(1000)
        for v in range(20)
    )
    git(env, tmp_path, "update-ref", "--stdin", input=updates)
    git(env, tmp_path, "pack-refs", "--all")
    assert len(bash_complete("git gto assign ", env, tmp_path)) == 1000
    assert len(bash_complete("git gto assign art7 --version ", env, tmp_path)) == 20
    assert len(bash_complete("git gto assign art7 --stage ", env, tmp_path)) == 5
    assert len(bash_complete("git gto check-ref art99", env, tmp_path)) == 440


@needs_git_bash
def test_bash_without_git_completion(env, repo):
    """Sourced on its own, it still completes the executable git-gto."""
    preamble = f"source {shlex.quote(str(BASH_FILE))}"
    assert set(bash_complete("git-gto ", env, repo, preamble)) == ALL_COMMANDS
    assert sorted(bash_complete("git-gto assign churn --version ", env, repo, preamble)) == ["v1.0.0", "v1.1.0-rc.1"]


# --- fish ------------------------------------------------------------------


def fish_complete(line, env, cwd):
    script = f"source {shlex.quote(str(FISH_FILE))}; complete -C {shlex.quote(line)}"
    result = subprocess.run(["fish", "--no-config", "-c", script], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return sorted({c.split("\t")[0] for c in result.stdout.splitlines()})


@needs_fish
def test_fish_syntax():
    subprocess.run(["fish", "--no-execute", str(FISH_FILE)], check=True)


@needs_fish
@pytest.mark.parametrize("prefix", ["git-gto", "git gto"])
def test_fish(env, repo, prefix):
    assert set(fish_complete(f"{prefix} ", env, repo)) == ALL_COMMANDS
    assert fish_complete(f"{prefix} assign ", env, repo) == ["annotated-only", "churn", "data/set:ds", "light", "model"]
    assert fish_complete(f"{prefix} assign m --stage ", env, repo) == ["dev", "prod", "staging"]
    assert fish_complete(f"{prefix} show --sort ", env, repo) == ["semver", "timestamp"]
    assert fish_complete(f"{prefix} assign churn --version ", env, repo) == ["v1.0.0", "v1.1.0-rc.1"]
    assert fish_complete(f"{prefix} deprecate churn v1.0.0 ", env, repo) == ["dev", "prod", "staging"]
    assert {"--json", "--sort", "--help", "--repo"} <= set(fish_complete(f"{prefix} show --", env, repo))


@needs_fish
def test_fish_which_and_latest(env, repo):
    artifacts = ["annotated-only", "churn", "data/set:ds", "light", "model"]
    assert fish_complete("git gto which ", env, repo) == artifacts
    assert fish_complete("git gto latest ", env, repo) == artifacts
    assert fish_complete("git gto which churn ", env, repo) == ["dev", "prod", "staging"]
    assert {"--version", "--ref", "--commit"} <= set(fish_complete("git gto latest churn --", env, repo))


@needs_fish
def test_fish_repo_option(env, repo, tmp_path):
    assert fish_complete(f"git-gto assign -r {repo} ", env, tmp_path) == fish_complete("git-gto assign ", env, repo)


# --- zsh -------------------------------------------------------------------


@needs_zsh
def test_zsh_syntax():
    subprocess.run(["zsh", "-n", str(ZSH_FILE)], check=True)


def test_zsh_file_is_a_compdef():
    assert ZSH_FILE.read_text().splitlines()[0] == "#compdef git-gto"


# --- all shells ------------------------------------------------------------

# Valid and invalid tag names from the reference (gto-reference.md, section 2.1).
TAG_NAMES = """
rf@v1.2.3 rf@v1.2.3#5 rf@v1.2.3! rf@v1.2.3!#2 rf#prod rf#prod#1 rf#prod! rf#prod!#2 rf@deprecated
rf@deprecated#3 dir=rf@v1.0.0 nn@v1.0.0-rc.2 nn@v1.0.0-alpha.beta rf@v1.2.3-rc.1+b.5 rf#prod#0 rf#Prod rf#pr_od
rf@created ### @@@ model@v1 nn#prod#-1 model@v111 model-prod model@0.0.1 model#prod#1-2 model#prod@v1.2.3
model@v1.2.3#prod namespace/model@0.0.1 @namespace/model@0.0.1 rf@V1.2.3 rf@v01.2.3 rf@latest a=b=c@v1.0.0
m-@v1.0.0 -m@v1.0.0 rf@v1.0.0-01 rf@v1.0.0+ .hidden=m#dev some/Other_Folder=some/model@v0.1.0
""".split()

# Each shell's tag parser, fed the names on stdin ({what} = artifact, stage, version, tag).
PARSERS = {
    "bash": (["bash", "--norc", "--noprofile", "-c"], f"source {BASH_FILE}; __git_gto_parse_tags {{what}}"),
    "fish": (["fish", "--no-config", "-c"], f"source {FISH_FILE}; __git_gto_parse_tags {{what}}"),
    # The file ends by calling _git-gto, which needs _arguments: stub it.
    "zsh": (["zsh", "-f", "-c"], f"_arguments() {{ return 1; }}; source {ZSH_FILE}; __git_gto_parse_tags {{what}}"),
}


@pytest.mark.parametrize("shell", sorted(PARSERS))
def test_tag_grammar_matches_gitgto(shell):
    """The three awk copies of the tag grammar agree with gitgto.tags."""
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} not installed")
    from gitgto.tags import parse_tag

    tags = [t for t in map(parse_tag, TAG_NAMES) if t is not None and t.kind != "creation"]
    expected = {
        "tag": [t.name for t in tags],
        "artifact": list(dict.fromkeys(t.artifact for t in tags)),
        "stage": list(dict.fromkeys(t.stage for t in tags if t.stage)),
        "version": list(dict.fromkeys(t.version for t in tags if t.version)),
    }
    argv, script = PARSERS[shell]
    for what, names in expected.items():
        result = subprocess.run(
            argv + [script.replace("{what}", what)], input="\n".join(TAG_NAMES) + "\n", capture_output=True, text=True
        )
        assert result.stdout.split() == names, what


# --- every command ------------------------------------------------------------


@pytest.mark.parametrize("command", sorted(ALL_COMMANDS))
def test_every_command_in_every_file(command):
    """A new command in gitgto/commands must get completion in all three shells."""
    bash = BASH_FILE.read_text()
    zsh = ZSH_FILE.read_text()
    fish = FISH_FILE.read_text()
    word = re.escape(command)
    # bash: in the command list of _git_gto (and, but for the alias, in the options table).
    commands = re.search(r'local commands="([^"]*)"', bash).group(1).split()
    assert command in commands
    if command not in ALIASES:
        assert re.search(rf"^\s*(\w[\w|-]*\|)?{word}(\|[\w-]+)*\)$", bash, re.M), "bash: no options"
    # zsh: described, and (but for the alias) a case of its own.
    assert re.search(rf"^\s*[\"']{word}:", zsh, re.M), "zsh: not in the command list"
    if command not in ALIASES:
        assert re.search(rf"^\s*\(([\w-]+\|)*{word}(\|[\w-]+)*\)$", zsh, re.M), "zsh: no arguments"
    # fish: offered as a command and (but for the alias) given its options.
    assert re.search(rf"__git_gto_needs_command -f -a {word} ", fish), "fish: not in the command list"
    if command not in ALIASES:
        loop = re.search(r"^for cmd in (.*)$", fish, re.M).group(1).split()
        assert command in loop, "fish: no options"


@pytest.fixture(scope="module")
def facts_repo(env, tmp_path_factory):
    """Tags whose messages end with fact trailers (git gto register --meta)."""
    path = tmp_path_factory.mktemp("facts")
    git(env, path, "init", "-q")
    git(env, path, "commit", "-q", "--allow-empty", "-m", "init")
    git(env, path, "tag", "-a", "m@v1.0.0", "-m", "Registering\n\nAccuracy: 0.9\nData-Set: q1\nDescription: x")
    git(env, path, "tag", "-a", "m#prod#1", "-m", "Assigning\n\nApproved-By: bob\nnot a trailer paragraph: no")
    git(env, path, "tag", "-a", "plain", "-m", "Fixed: not a trailer, the subject")
    return path


@needs_git_bash
def test_bash_fact_keys_from_the_registry(env, facts_repo):
    keys = ["accuracy=", "data-set="]  # (description: --description; the 2nd tag's block is not all trailers)
    assert sorted(bash_complete("git gto register m --meta ", env, facts_repo)) == keys
    assert sorted(bash_complete("git gto show --where ", env, facts_repo)) == keys
    assert bash_complete("git gto history --where d", env, facts_repo) == ["data-set="]
    assert sorted(bash_complete("git gto show m --meta ", env, facts_repo)) == ["accuracy", "data-set", "description"]
    options = set(bash_complete("git gto show --", env, facts_repo))
    assert {"--where", "--type", "--label", "--in-stage", "--meta"} <= options
    assert {"--force", "--print", "--verify", "--output"} <= set(bash_complete("git gto get --", env, facts_repo))


@needs_fish
def test_fish_fact_keys_from_the_registry(env, facts_repo):
    assert fish_complete("git gto assign m --meta ", env, facts_repo) == ["accuracy=", "data-set="]
    assert fish_complete("git gto show m --meta ", env, facts_repo) == ["accuracy", "data-set", "description"]
    assert fish_complete("git gto get ", env, facts_repo) == ["m"]
