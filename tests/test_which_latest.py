"""`git gto which NAME STAGE` and `git gto latest NAME`: the `#`-free forms of
`show NAME#STAGE` and `show NAME@latest` for Makefiles. They answer what show
answers (one query), and exit 1 with nothing on stdout when there is no answer."""

import pytest

from conftest import ROOT


@pytest.fixture
def churn(repo):
    """churn: v1.0.0 on c1, v1.1.0 on c2; prod assigned to v1.0.0, then
    staging to v1.1.0; model: a deprecated artifact."""
    repo.c1 = repo.commit("one")
    repo.tag("churn@v1.0.0")
    repo.c2 = repo.commit("two")
    repo.tag("churn@v1.1.0")
    repo.tag("churn#prod#3", ref=repo.c1)
    repo.tag("churn#staging#4", ref=repo.c2)
    repo.tag("model@v0.1.0")
    repo.tag("model@deprecated")
    return repo


SAME_AS_SHOW = [
    (["which", "churn", "prod"], ["show", "churn#prod", "--version"]),
    (["which", "churn", "prod", "--version"], ["show", "churn#prod", "--version"]),
    (["which", "churn", "prod", "--ref"], ["show", "churn#prod", "--ref"]),
    (["which", "churn", "staging", "--ref"], ["show", "churn#staging", "--ref"]),
    (["latest", "churn"], ["show", "churn@latest", "--version"]),
    (["latest", "churn", "--ref"], ["show", "churn@latest", "--ref"]),
]


@pytest.mark.parametrize("ours, show", SAME_AS_SHOW, ids=[" ".join(o) for o, _ in SAME_AS_SHOW])
def test_answers_what_show_answers(churn, ours, show):
    expected = churn.gto(*show).out
    assert expected.strip()  # the comparison means something
    assert churn.gto(*ours).out == expected


def test_values(churn):
    assert churn.gto("which", "churn", "prod").out == "v1.0.0\n"
    assert churn.gto("which", "churn", "prod", "--ref").out == "churn@v1.0.0\n"
    assert churn.gto("which", "churn", "prod", "--commit").out == churn.c1 + "\n"
    assert churn.gto("which", "churn", "staging").out == "v1.1.0\n"
    assert churn.gto("latest", "churn").out == "v1.1.0\n"
    assert churn.gto("latest", "churn", "--ref").out == "churn@v1.1.0\n"
    assert churn.gto("latest", "churn", "--commit").out == churn.c2 + "\n"


def test_the_latest_assignment_holds_the_stage(churn):
    churn.tag("churn#prod#5", ref=churn.c2)
    assert churn.gto("which", "churn", "prod").out == "v1.1.0\n"
    churn.tag("churn#prod!#6", ref=churn.c2)  # unassigned: v1.0.0 still holds prod
    assert churn.gto("which", "churn", "prod").out == "v1.0.0\n"
    churn.tag("churn#prod!#7", ref=churn.c1)  # and now nothing does
    assert churn.gto("which", "churn", "prod", expect=1).out == ""


def test_no_answer_is_exit_1_with_nothing_on_stdout(churn):
    for args in (["which", "churn", "dev"], ["which", "churn", "dev", "--ref"], ["which", "churn", "dev", "--commit"]):
        res = churn.gto(*args, expect=1)
        assert res.out == ""
        assert res.err_lines == ["❌ No version of 'churn' is in stage 'dev'"]
    # show answers the same question with an empty answer and exit 0
    assert churn.gto("show", "churn#dev", "--ref").out == ""


def test_latest_of_a_deprecated_or_unknown_artifact_fails(churn):
    res = churn.gto("latest", "model", expect=1)
    assert (res.out, res.err_lines) == ("", ["❌ 'model' has no active version"])
    res = churn.gto("latest", "nope", expect=1)
    assert (res.out, res.err_lines) == ("", ["❌ Cannot find artifact 'nope'"])
    res = churn.gto("which", "nope", "prod", expect=1)
    assert (res.out, res.err_lines) == ("", ["❌ Cannot find artifact 'nope'"])


def test_unregistered_version(repo):
    """A stage on a commit without a registration: its version is the commit."""
    sha = repo.commit("one")
    repo.gto("assign", "m", "HEAD", "--sr", "--stage", "prod")
    assert repo.gto("which", "m", "prod").out == repo.gto("show", "m#prod", "--version").out == sha[:7] + "\n"
    assert repo.gto("which", "m", "prod", "--commit").out == sha + "\n"


def test_a_stage_the_config_does_not_allow_warns(churn):
    churn.write(".gto", "stages: [dev, prod]\n")
    res = churn.gto("which", "churn", "prdo", expect=1)
    assert res.out == ""
    assert "warning:" in res.err and "did you mean 'prod'?" in res.err
    assert res.err_lines[-1] == "❌ No version of 'churn' is in stage 'prdo'"
    assert churn.gto("which", "churn", "prod").err == ""  # an allowed stage: no warning


@pytest.mark.parametrize("args", [["which", "churn"], ["which"], ["latest"], ["which", "churn", "prod", "--ref", "--commit"],
                                  ["latest", "churn", "--version", "--ref"], ["latest", "churn", "prod"]])
def test_usage_errors(churn, args):
    res = churn.gto(*args, expect=2)
    assert res.out == ""


@pytest.mark.parametrize("args", [["which", "churn", "pr#d"], ["which", "bad name", "prod"], ["latest", "churn@v1.0.0"],
                                  ["latest", "churn#prod"]])
def test_names_are_checked(churn, args):
    res = churn.gto(*args, expect=1)
    assert res.out == "" and res.err.startswith("❌ ")


def test_repo_option(churn, tmp_path):
    assert churn.gto("which", "-r", str(churn.path), "churn", "prod", cwd=tmp_path).out == "v1.0.0\n"
    assert churn.gto("latest", "--repo", str(churn.path), "churn", cwd=tmp_path).out == "v1.1.0\n"


@pytest.mark.parametrize("command", ["which", "latest"])
def test_installed_like_the_other_commands(command):
    launcher = ROOT / "bin" / f"git-gto-{command}"
    assert launcher.is_symlink() and launcher.readlink().name == "git-gto"
    setup = (ROOT / "setup.cfg").read_text()
    assert f"bin/git-gto-{command}\n" in setup and f"man/man1/git-gto-{command}.1\n" in setup


@pytest.mark.parametrize("args", [["which", "churn", "prod"], ["latest", "churn", "--ref"]])
def test_light_imports(churn, args):
    """A Makefile runs these on every make: no table, YAML or metadata libraries."""
    report = churn.gto(*args, env={"PYTHONPROFILEIMPORTTIME": "1"}).err
    names = {line.rsplit("|", 1)[1].strip() for line in report.splitlines() if line.startswith("import time:")}
    assert "gitgto.commands.show" in names  # the report is real: show's query runs
    assert not names & {"prettytable", "yaml", "asyncio", "semantic_version", "importlib.metadata"}
