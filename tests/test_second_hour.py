"""The second hour (issue 17): what a user still trips over after the tour.
Every case runs the real `git gto` in a hermetic repository."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_completion import bash_complete, needs_git_bash
from test_interop import gto_bin  # noqa: F401 (gto 1.10.1 for the interop checks, or a clean skip)

# -- a name listed twice in a config list ---------------------------------------------


@pytest.fixture
def duplicated(make_repo):
    r = make_repo("dup")
    r.commit("one", {"model.pkl": "1", ".gto": "stages: [dev, dev, prod]\ntypes: [model, model]\n"})
    r.tag("m@v1.0.0")
    r.tag("m#dev#1")
    return r


DUP_STAGE = "warning: config file '{}' lists 'dev' in 'stages' 2 times; using it once"
DUP_TYPE = "warning: config file '{}' lists 'model' in 'types' 2 times; using it once"


@pytest.mark.parametrize("args", [["show"], ["show", "--plain"], ["show", "--json"], ["show", "m"], ["stages"]])
def test_a_stage_listed_twice_is_used_once_with_a_warning(duplicated, args):
    res = duplicated.gto(*args)  # never "Unexpected error"
    gto_file = duplicated.path / ".gto"
    assert res.err_lines == [DUP_TYPE.format(gto_file), DUP_STAGE.format(gto_file)], res
    if args == ["show", "--plain"]:
        assert res.lines == ["name\tlatest\t#dev\t#prod", "m\tv1.0.0\tv1.0.0\t-"]
    if args == ["stages"]:
        assert res.lines == ["dev", "prod"]


def test_gto_stages_listed_twice_is_used_once(duplicated):
    duplicated.write(".gto", "")
    res = duplicated.gto("show", "--plain", env={"GTO_STAGES": '["dev", "prod", "prod"]'})
    assert res.lines[0] == "name\tlatest\t#dev\t#prod"
    assert res.err_lines == ["warning: environment variable GTO_STAGES lists 'prod' in 'stages' 2 times; "
                             "using it once"]


def test_a_duplicated_type_still_checks_types(duplicated):
    duplicated.gto("annotate", "m", "--type", "model")
    res = duplicated.gto("annotate", "m", "--type", "data", expect=1)
    assert "Allowed types are: model (from .gto)" in res.err


# -- the interoperability rule: a stage tag on a commit with two versions ---------------

BREAKS = "every gto 1.x command in this repository then fails ('Multiple versions are not allowed on the same Git commit')"


@pytest.fixture
def two_versions(make_repo):
    """A release candidate assigned to qa, then its release on the same commit (--force)."""
    r = make_repo("rc")
    r.commit("one", {"model.pkl": "1"})
    r.gto("register", "m", "--version", "v1.0.0-rc.1")
    r.gto("assign", "m", "--stage", "qa")
    r.gto("register", "m", "--version", "v1.0.0", "--force")
    return r


@pytest.mark.parametrize("write", [["assign", "m", "--version", "v1.0.0", "--stage", "prod"],
                                   ["assign", "m", "HEAD", "--stage", "prod"],
                                   ["unassign", "m", "v1.0.0-rc.1", "qa"]], ids=["version", "ref", "unassign"])
def test_a_stage_tag_on_a_commit_with_two_versions_needs_force(two_versions, write):
    r = two_versions
    before = r.git("for-each-ref")
    res = r.gto(*write, expect=1)
    doing = "Unassigning" if write[0] == "unassign" else "Assigning"
    assert res.err == (f"❌ {doing} a stage on commit {r.sha()[:7]}, where 'm' has 2 versions (v1.0.0-rc.1, v1.0.0), "
                       f"makes a registry gto 1.x cannot read: {BREAKS}. Use --force to do it anyway.\n")
    assert r.git("for-each-ref") == before
    dry = r.gto(*write, "--dry-run", expect=1)  # the dry run says the same
    assert dry.err == res.err
    forced = r.gto(*write, "--force")
    assert forced.err == (f"warning: --force: a stage tag of 'm' on commit {r.sha()[:7]}, which holds 2 of its "
                          f"versions (v1.0.0-rc.1, v1.0.0), is what gto 1.x cannot read: {BREAKS}\n")
    assert r.git("for-each-ref") != before


def test_a_stage_tag_on_another_commit_needs_no_force(two_versions):
    r = two_versions
    r.commit("two", {"model.pkl": "2"})
    res = r.gto("assign", "m", "HEAD", "--stage", "prod")
    assert res.err == ""


@pytest.mark.slow
def test_the_second_version_on_a_staged_commit_says_gto_breaks_now(make_repo, gto_bin):
    """Checked against gto 1.10.1: a stage tag on a commit with two versions
    fails every gto command, whichever came first."""
    r = make_repo("late")
    r.commit("one", {"model.pkl": "1"})
    r.gto("register", "other")
    r.gto("register", "m", "--version", "v2.0.0-rc.1")
    r.gto("assign", "m", "--stage", "qa")
    gto_env = {"GTO_EMOJIS": "false", "COLUMNS": "500"}
    assert run(r, [gto_bin, "show"], gto_env).code == 0
    forced = r.gto("register", "m", "--version", "v2.0.0", "--force")
    assert forced.err == (f"warning: --force: 'm' now has 2 versions on commit {r.sha()[:7]} (v2.0.0-rc.1, v2.0.0), "
                          f"which gto 1.x cannot read, as a stage tag is there: {BREAKS}\n")
    for args in (["show"], ["history"], ["show", "other"], ["check-ref", "other@v0.0.1"]):
        res = run(r, [gto_bin, *args], gto_env)
        assert res.code != 0 and "Multiple versions are not allowed" in res.out + res.err, res


def run(r, argv, env):
    import subprocess

    from conftest import Result

    return Result(argv, subprocess.run(argv, cwd=r.path, env=r._env(env=env), capture_output=True, text=True))


# -- `!` in completed tags and in the `Running` line of --push ---------------------------


@needs_git_bash
def test_bash_completion_escapes_the_bang_of_a_tag(make_repo, gitenv):
    r = make_repo("bang")
    r.commit("one")
    r.tag("churn@v1.0.0")
    r.tag("churn#prod#1")
    r.tag("churn#prod!#2")
    r.tag("churn@v1.0.0!")
    assert sorted(bash_complete("git gto check-ref churn#prod", gitenv, r.path)) == ["churn#prod#1",
                                                                                     "churn#prod\\!#2"]
    assert bash_complete("git gto check-ref churn#prod\\!", gitenv, r.path) == ["churn#prod\\!#2"]
    assert sorted(bash_complete("git gto deregister churn ", gitenv, r.path)) == ["v1.0.0"]
    assert sorted(bash_complete("git gto check-ref churn@", gitenv, r.path)) == ["churn@v1.0.0", "churn@v1.0.0\\!"]
    word = bash_complete("git gto check-ref churn#prod!", gitenv, r.path)[0]
    # What an interactive bash (history expansion on) runs with the inserted word:
    ran = subprocess.run(["bash", "--norc", "--noprofile", "-i"], input=f"set -H\necho {word}\n",
                         capture_output=True, text=True, env=gitenv, cwd=r.path)
    assert ran.stdout.splitlines() == ["churn#prod!#2"], ran


def test_the_running_line_of_push_is_shell_quoted(make_repo):
    origin = make_repo("origin.git", bare=True)
    r = make_repo("pusher")
    r.git("remote", "add", "origin", str(origin.path))
    r.commit("one")
    r.gto("register", "m")
    r.gto("assign", "m", "--stage", "prod")
    res = r.gto("unassign", "m", "v0.0.1", "prod", "--push")
    assert "Running `git push origin m@v0.0.1 'm#prod!#2'`" in res.lines, res
    res = r.gto("unassign", "m", "v0.0.1", "prod", "--delete", "--push")
    assert "Running `git push --delete origin 'm#prod!#2'`" in res.lines, res


# -- a lightweight tag shadowing a stage event ---------------------------------------------


@pytest.fixture
def shadowed(make_repo):
    """v0.0.2 was promoted to prod, but the CI checkout left 'm#prod#2' lightweight."""
    r = make_repo("ci")
    r.commit("one")
    r.gto("register", "m")
    r.gto("assign", "m", "--stage", "prod")
    r.commit("two")
    r.gto("register", "m")
    r.gto("assign", "m", "--stage", "prod")
    r.git("tag", "-d", "m#prod#2")
    r.git("tag", "m#prod#2", "HEAD")
    return r


SHADOW = ("warning: the answer may be out of date: 'm#prod#2' is a lightweight tag here, so it carries no GTO "
          "event (CI checkouts often rewrite the annotated tag). Re-fetch it: git fetch --force origin "
          "'refs/tags/m#prod#2:refs/tags/m#prod#2', or run check-ref with --fetch")


@pytest.mark.parametrize("args", [["show", "m#prod", "--ref"], ["show", "m"], ["show", "m@latest", "--version"],
                                  ["history", "m"], ["describe", "m#prod"], ["which", "m", "prod"],
                                  ["latest", "m"]])
def test_a_read_shadowed_by_a_lightweight_tag_warns_once(shadowed, args):
    res = shadowed.gto(*args)
    assert res.err_lines == [SHADOW], res
    if args[1] == "m#prod":
        assert res.out in ("m@v0.0.1\n", "")  # the previous answer: hence the warning


def test_check_ref_and_doctor_say_the_same(shadowed):
    assert shadowed.gto("check-ref", "m#prod#2", expect=1).err == "❌ " + SHADOW[len("warning: the answer may be "
                                                                                  "out of date: "):] + "\n"
    assert SHADOW[len("warning: the answer may be out of date: "):] in shadowed.gto("doctor", expect=1).out


def test_the_registry_table_warns_too_cached_or_not(shadowed):
    for _ in range(2):  # the second read comes from the registry cache
        for args in (["show"], ["show", "--plain"], ["show", "--json"]):
            assert shadowed.gto(*args).err_lines == [SHADOW], args
    assert shadowed.gto("show", env={"GTO_NO_CACHE": "1"}).err_lines == [SHADOW]


@pytest.mark.parametrize("args", [["history"], ["stages", "--used"], ["page", "-o", "site"]])
def test_whole_registry_reads_warn_too_cached_or_not(shadowed, args):
    for env in ({"GTO_NO_CACHE": "1"}, {}, {}):  # uncached, then filling the cache, then from it
        assert shadowed.gto(*args, env=env).err_lines == [SHADOW], (args, env)


def test_an_annotated_registry_reads_quietly(shadowed):
    shadowed.git("tag", "-d", "m#prod#2")
    assert shadowed.gto("show", "m#prod", "--ref").err == ""
    assert shadowed.gto("show").err == ""


# -- a stage for a deregistered version or a deprecated artifact -------------------------

FORCE_HINT = "Use the '--force' flag to create a new Git tag nevertheless."


@pytest.fixture
def retired(make_repo):
    r = make_repo("retired")
    r.commit("one")
    r.gto("register", "gone")
    r.gto("deregister", "gone", "v0.0.1")
    r.gto("register", "old")
    r.gto("deprecate", "old")
    return r


@pytest.mark.parametrize("args,line", [
    (["assign", "gone", "--version", "v0.0.1", "--stage", "prod"],
     "Version 'v0.0.1' was deregistered: a stage assigned to it would have no effect (only registered versions "
     "hold stages). " + FORCE_HINT),
    (["assign", "gone", "HEAD", "--stage", "prod"],
     "Version 'v0.0.1' was deregistered: a stage assigned to it would have no effect (only registered versions "
     "hold stages). " + FORCE_HINT),
    (["assign", "old", "--version", "v0.0.1", "--stage", "prod"],
     "Artifact 'old' was deprecated: assigning a stage to its version 'v0.0.1' would revive it. " + FORCE_HINT),
], ids=["deregistered", "deregistered-ref", "deprecated"])
def test_a_stage_that_would_not_count_is_refused(retired, args, line):
    before = retired.git("for-each-ref")
    assert retired.gto(*args, expect=1).err_lines == ["❌ " + line]
    assert retired.gto(*args, "--dry-run", expect=1).err_lines == ["❌ " + line]
    assert retired.git("for-each-ref") == before


def test_force_assigns_to_a_deprecated_artifact_and_revives_it(retired):
    retired.gto("assign", "old", "--version", "v0.0.1", "--stage", "prod", "--force")
    assert retired.gto("show", "old#prod", "--ref").out == "old@v0.0.1\n"


# -- an unknown option is named before a missing required one ------------------------------


@pytest.mark.parametrize("args,line", [
    (["assign", "m", "--stag", "dev"], "git gto assign: error: unrecognized arguments: --stag (did you mean '--stage'?)"),
    (["assign", "m", "--stage=dev", "--versio=v1.0.0"],
     "git gto assign: error: unrecognized arguments: --versio=v1.0.0 (did you mean '--version'?)"),
    (["show", "--plian"], "git gto show: error: unrecognized arguments: --plian (did you mean '--plain'?)"),
    (["unassign", "m", "--zzz"], "git gto unassign: error: unrecognized arguments: --zzz"),
    (["assign", "m"], "git gto assign: error: the following arguments are required: --stage"),
])
def test_an_unknown_option_is_named_first(repo, args, line):
    res = repo.gto(*args, expect=2)
    assert res.err_lines[-1] == line, res


# -- status: out of sync is 1, cannot check is 3 ---------------------------------------------


def test_status_cannot_check_is_3_out_of_sync_is_1(make_repo, tmp_path):
    r = make_repo("st")
    r.commit("one")
    r.gto("register", "m")
    r.git("remote", "add", "origin", str(tmp_path / "gone.git"))
    res = r.gto("status", expect=3)
    assert res.out == "" and res.err.startswith("❌ Cannot list the tags of 'origin'"), res
    assert r.gto("status", "--json", expect=3).out == ""
    origin = make_repo("origin.git", bare=True)
    r.git("remote", "set-url", "origin", str(origin.path))
    assert "not pushed" in r.gto("status", expect=1).out


# -- --plain is for scripts: never prose; describe of an unknown artifact --------------------


def test_plain_without_rows_prints_the_header_alone(make_repo):
    r = make_repo("empty-ish")
    r.commit("one")
    r.gto("register", "m")
    r.gto("deprecate", "m")
    for args, header in ((["show", "--plain"], "name\tlatest"), (["show", "m", "--plain"],
                                                                  "artifact\tversion\tstage\tcreated_at\tref"),
                         (["history", "--plain"], None)):
        res = r.gto(*args)
        assert "Nothing found" not in res.out + res.err, res
        if header:
            assert res.lines == [header], res
    assert r.gto("show", "m").out == "Nothing found in the current workspace\n"  # the table keeps GTO's line


def test_describe_of_an_unknown_artifact_exits_1_like_show(make_repo):
    r = make_repo("desc")
    r.commit("one", {"artifacts.yaml": "annotated:\n  type: model\n"})
    r.gto("register", "tagged")
    for args in (["describe", "nope"], ["show", "nope"]):
        assert r.gto(*args, expect=1).err == "❌ Cannot find artifact 'nope'\n"
    assert r.gto("describe", "tagged").out == ""  # known, not annotated: nothing, exit 0
    assert json.loads(r.gto("describe", "annotated").out)["type"] == "model"
    r.commit("two")
    assert r.gto("describe", "annotated", "--rev", "HEAD~1").out != ""
    r.git("rm", "-q", "artifacts.yaml")
    r.commit("three")
    assert r.gto("describe", "annotated", "--rev", "HEAD~1").code == 0  # known at that commit
    assert r.gto("describe", "nope", "--rev", "HEAD~1", expect=1).err == "❌ Cannot find artifact 'nope'\n"


# -- artifact-name typos ---------------------------------------------------------------------


@pytest.fixture
def churn(make_repo):
    r = make_repo("typo")
    r.commit("one", {"artifacts.yaml": "annotated-model:\n  type: model\n"})
    r.gto("register", "churn")
    r.gto("assign", "churn", "--stage", "prod")
    return r


@pytest.mark.parametrize("args", [["show", "chrun"], ["show", "chrun#prod", "--ref"], ["describe", "chrun"],
                                  ["deprecate", "chrun"], ["unassign", "chrun", "v0.0.1", "prod"],
                                  ["deregister", "chrun", "v0.0.1"]])
def test_an_unknown_artifact_gets_did_you_mean(churn, args):
    assert churn.gto(*args, expect=1).err == "❌ Cannot find artifact 'chrun'; did you mean 'churn'?\n"


def test_did_you_mean_knows_annotated_artifacts_and_history_warns(churn):
    assert churn.gto("show", "annotated-modle", expect=1).err_lines == [
        "❌ Cannot find artifact 'annotated-modle'; did you mean 'annotated-model'?"]
    res = churn.gto("history", "chrun")  # GTO's contract: nothing, exit 0, and now a hint
    assert res.err_lines == ["warning: no artifact 'chrun'; did you mean 'churn'?"]
    assert churn.gto("show", "zzz", expect=1).err == "❌ Cannot find artifact 'zzz'\n"  # nothing close: no hint


@pytest.mark.parametrize("args", [["register", "chrun"], ["register", "chur"], ["register", "churns"],
                                  ["assign", "cburn", "HEAD", "--stage", "prod"]])
def test_a_write_to_a_new_name_one_typo_away_warns(churn, args):
    res = churn.gto(*args)
    assert res.err_lines == [f"warning: '{args[1]}' is a new artifact, one letter away from 'churn': is it a typo?"]
    assert res.out.startswith("Created git tag")


@pytest.mark.parametrize("args", [["register", "churn2x"], ["register", "model"], ["register", "churn", "HEAD",
                                                                                      "--version", "v1.0.0",
                                                                                      "--force"]])
def test_other_writes_do_not_warn(churn, args):
    assert "one letter away" not in churn.gto(*args).err


# -- a push rejected because another writer's tag is there ------------------------------------


@pytest.fixture
def two_clones(make_repo):
    origin = make_repo("shared.git", bare=True)
    a, b = make_repo("a"), make_repo("b")
    for r in (a, b):
        r.git("remote", "add", "origin", str(origin.path))
    a.commit("one")
    a.git("push", "-q", "origin", "HEAD:refs/heads/main")
    a.gto("register", "m", "--push")
    b.git("fetch", "-q", "--tags", "origin", "main")
    b.git("checkout", "-q", "FETCH_HEAD")
    return origin, a, b


def test_a_push_refused_for_an_existing_tag_takes_the_local_tag_back(two_clones):
    origin, a, b = two_clones
    b.gto("assign", "m", "--version", "v0.0.1", "--stage", "prod", "--push")
    theirs = origin.git("rev-parse", "refs/tags/m#prod#1")
    res = a.gto("assign", "m", "--version", "v0.0.1", "--stage", "prod", "-m", "mine", "--push", expect=1)
    assert res.err_lines == [
        "❌ The command `git push origin m@v0.0.1 'm#prod#1'` failed ([rejected] (already exists)): another writer "
        "pushed m#prod#1 first. The local tag was removed (nothing is lost: the remote keeps their event); fetch it and "
        "look again before retrying: git fetch origin 'refs/tags/m#prod#1:refs/tags/m#prod#1'"], res
    assert "m#prod#1" not in a.git("tag").split()  # nothing diverged here
    assert origin.git("rev-parse", "refs/tags/m#prod#1") == theirs
    a.git("fetch", "-q", "origin", "refs/tags/m#prod#1:refs/tags/m#prod#1")
    assert a.gto("show", "m#prod", "--ref").out == "m@v0.0.1\n"


# -- --delete --push under an immutable policy -------------------------------------------------


@pytest.fixture
def immutable(make_repo):
    origin = make_repo("imm.git", bare=True)
    r = make_repo("imm")
    r.git("remote", "add", "origin", str(origin.path))
    r.commit("policy", {".gto-policy": "immutable: true\n"})
    r.gto("register", "m", "--push")
    return r, origin


REFUSED_DELETE = ("❌ The policy (HEAD:.gto-policy) refuses deleting m@v0.0.1 in a push: 'immutable: true' (GTO tags "
                  "are never deleted or moved on the remote). Nothing was deleted")


@pytest.mark.parametrize("extra", [[], ["--dry-run"]])
def test_delete_push_under_immutable_is_refused_before_deleting(immutable, extra):
    r, origin = immutable
    res = r.gto("deprecate", "m", "v0.0.1", "--delete", "--push", *extra, expect=1)
    assert res.err_lines == [REFUSED_DELETE], res
    assert "m@v0.0.1" in r.git("tag").split() and "m@v0.0.1" in origin.git("tag").split()


def test_delete_dry_run_shows_the_verdict(immutable):
    r, _ = immutable
    res = r.gto("deprecate", "m", "v0.0.1", "--delete", "--dry-run")
    assert res.lines[-1] == ("The policy (HEAD:.gto-policy) allows deleting m@v0.0.1 here, but 'immutable: true' "
                             "refuses pushing the deletion"), res
    r.write(".gto-policy", "immutable: false\n")
    r.commit("mutable")
    res = r.gto("deprecate", "m", "v0.0.1", "--delete", "--dry-run")
    assert res.lines[-1] == "The policy (HEAD:.gto-policy) allows deleting m@v0.0.1", res
    r.gto("deprecate", "m", "v0.0.1", "--delete", "--push")
    assert "m@v0.0.1" not in r.git("tag").split()


# -- a pushed stage event takes its local-only registration along -------------------------------


def test_assign_push_takes_a_local_only_registration_along(make_repo):
    origin = make_repo("reg.git", bare=True)
    r = make_repo("reg")
    r.git("remote", "add", "origin", str(origin.path))
    r.commit("one")
    r.gto("register", "m")  # not pushed
    res = r.gto("assign", "m", "--version", "v0.0.1", "--stage", "prod", "--push")
    assert "Running `git push origin m@v0.0.1 'm#prod#1'`" in res.lines, res
    assert set(origin.git("tag").split()) == {"m@v0.0.1", "m#prod#1"}
    assert origin.git("rev-parse", "m@v0.0.1") == r.git("rev-parse", "m@v0.0.1")  # the same tag object
    res = r.gto("assign", "m", "--version", "v0.0.1", "--stage", "dev", "--push")  # already there: a no-op
    assert res.lines[-1] == "Successfully pushed git tag m#dev#2 on remote."
    clone = make_repo("fresh")
    clone.git("fetch", "-q", str(origin.path), "refs/tags/*:refs/tags/*")
    assert clone.gto("show", "m#prod", "--ref").out == "m@v0.0.1\n"  # not a bare commit over there


def test_doctor_reports_an_assignment_without_a_registration(make_repo):
    r = make_repo("bare-stage")
    r.commit("one")
    r.gto("register", "m")
    r.gto("assign", "m", "--stage", "prod")
    r.git("tag", "-d", "m@v0.0.1")  # the registration never arrived here
    res = r.gto("doctor")
    assert ("💡 'm#prod#1' assigns a stage on commit "
            f"{r.sha()[:7]}, where no version of 'm' is registered here: fetch the registration "
            "(git fetch --tags origin) or register one (assign --sr makes such stages on purpose)") in res.lines, res


# -- every missing dependency at once; make demo's PATH lines ----------------------------------


def test_every_missing_dependency_is_named_at_once(make_repo, tmp_path):
    r = make_repo("deps")
    r.commit("one")
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    for module in ("sh", "yaml", "prettytable"):
        (blocker / f"{module}.py").write_text(f"raise ModuleNotFoundError('no {module}', name='{module}')\n")
    res = r.gto("show", env={"PYTHONPATH": str(blocker)}, expect=1)
    assert res.err.startswith("❌ git-gto needs the Python packages 'sh', 'PyYAML', 'prettytable', which "), res
    assert res.err.rstrip().endswith(" -m pip install sh PyYAML prettytable"), res


@pytest.mark.skipif(shutil.which("sh") is None, reason="no sh")
def test_demo_ends_with_the_path_lines_that_make_git_gto_work(tmp_path):
    from pkgenv import BIN, GIT, ROOT, env, run

    python_dir = str(Path(sys.executable).parent)
    path = ":".join([str(BIN), python_dir, str(Path(GIT).parent), "/usr/bin", "/bin"])
    out = run(["sh", str(ROOT / "tests" / "demo.sh")], env(tmp_path, path=path, TMPDIR=str(tmp_path))).stdout
    last = out.splitlines()[-2:]
    assert last == [f"    export PATH='{python_dir}':\"$PATH\"", f"    export PATH='{BIN}':\"$PATH\""], out
    # pasted into a shell whose PATH knows only git: `git gto` works
    user = env(tmp_path / "user", path=f"{Path(GIT).parent}:/usr/bin:/bin")
    repo = tmp_path / "mine"
    repo.mkdir()
    run([GIT, "init", "-q", str(repo)], user)
    script = "\n".join(line.strip() for line in last) + "\ngit gto show --plain\n"
    assert run(["sh", "-c", script], user, cwd=repo).stdout == "name\tlatest\n"


def test_doctor_remote_reports_a_stage_whose_registration_the_remote_lacks(make_repo):
    r = make_repo("stage-without-registration")
    origin = make_repo("origin.git", bare=True)
    r.commit("one")
    r.git("remote", "add", "origin", str(origin.path))
    r.gto("register", "m")
    r.gto("assign", "m", "--stage", "prod")
    r.git("push", "-q", "origin", "refs/tags/m#prod#1")  # as an assign --push of old did: the stage alone
    assert "registration" not in r.gto("doctor").out  # without --remote: no network, no finding
    res = r.gto("doctor", "--remote", "origin", expect=1)
    assert ("❌ 'm#prod#1' is on 'origin' but the registration of m v0.0.1 is not: "
            "git push origin m@v0.0.1") in res.lines, res
    r.git("push", "-q", "origin", "refs/tags/m@v0.0.1")
    assert "No issues found" in r.gto("doctor", "--remote", "origin").out
    assert r.gto("doctor", "--remote", str(r.path / "nowhere"), check=False).code == 3
