"""CI reality: shallow and tag-less checkouts, triggering tags recreated as
lightweight tags, and the README's CI steps, against a local bare remote."""

import re
import shutil
import subprocess

import pytest

from conftest import ROOT

READS = [["show"], ["show", "churn"], ["history"], ["history", "churn"], ["stages", "--used"],
         ["check-ref", "churn#prod#2"], ["describe", "churn#prod"]]


@pytest.fixture
def remote(make_repo):
    src = make_repo("src")
    src.commit("one", {"model.pkl": "1", "artifacts.yaml": "churn: {type: model, path: model.pkl}\n"})
    src.tag("churn@v1.0.0")
    src.commit("two", {"model.pkl": "2"})
    src.tag("churn@v1.1.0")
    src.tag("churn#prod#2")
    src.commit("three", {"model.pkl": "3"})
    bare = make_repo("remote.git", bare=True)
    src.git("push", "-q", str(bare.path), "main", "--tags")
    bare.src = src
    bare.url = "file://" + str(bare.path)
    return bare


def clone(make_repo, remote, name, *options):
    c = make_repo(name)
    shutil.rmtree(c.path / ".git")  # an empty directory git clone can fill
    c.git("clone", "-q", *options, remote.url, str(c.path))
    return c


def warnings(res):
    return [line for line in res.err.splitlines() if line.startswith("warning: ")]


@pytest.mark.parametrize("cmd", READS, ids=lambda c: "-".join(c))
def test_shallow_clone_warns_once(make_repo, remote, cmd):
    c = clone(make_repo, remote, "shallow", "--depth", "1", "--no-single-branch")
    assert c.git("rev-parse", "--is-shallow-repository") == "true"
    res = c.gto(*cmd, check=False)
    assert "Traceback" not in res.err
    warned = warnings(res)
    assert len(warned) == 1, res
    assert "git fetch --tags --unshallow" in warned[0] and "fetch-depth: 0" in warned[0]
    assert res.err.splitlines()[0] == warned[0]  # first, and the only warning line


def test_shallow_clone_machine_output_stays_clean(make_repo, remote):
    """The warning goes to stderr: --json and bare values on stdout still parse."""
    c = clone(make_repo, remote, "shallow", "--depth", "1")
    res = c.gto("show", "--json")
    assert res.out.startswith("{") and len(warnings(res)) == 1


def test_full_clone_does_not_warn(make_repo, remote):
    c = clone(make_repo, remote, "full")
    for cmd in READS:
        res = c.gto(*cmd)
        assert res.err == "", res


def test_unshallow_as_told_stops_the_warning(make_repo, remote):
    c = clone(make_repo, remote, "shallow", "--depth", "1")
    assert len(warnings(c.gto("show"))) == 1
    c.git("fetch", "-q", "--tags", "--unshallow")
    res = c.gto("show", "--plain")
    assert res.err == ""
    assert res.out.splitlines()[1].startswith("churn\tv1.1.0")


@pytest.mark.parametrize("cmd", [["show"], ["history"], ["stages", "--used"]], ids=lambda c: c[0])
def test_clone_without_tags_warns(make_repo, remote, cmd):
    c = clone(make_repo, remote, "notags", "--no-tags")
    assert c.git("tag") == ""
    res = c.gto(*cmd)
    warned = warnings(res)
    assert len(warned) == 1, res
    assert "git fetch --tags" in warned[0] and "fetch-depth: 0" in warned[0]
    c.git("fetch", "-q", "--tags")
    assert c.gto(*cmd).err == ""


def test_doctor_reports_shallow(make_repo, remote):
    c = clone(make_repo, remote, "shallow", "--depth", "1")
    res = c.gto("doctor", expect=1)
    assert "shallow clone" in res.out


def lightweight_checkout(make_repo, remote, tag, *options):
    """What CI checkouts do: the triggering annotated tag becomes lightweight.
    With --depth 1, as actions/checkout does it: fetch the tag's commit alone
    into refs/tags/TAG, then check it out."""
    if "--depth" in options:
        c = make_repo("ci")
        c.git("remote", "add", "origin", remote.url)
        commit = remote.git("rev-parse", tag + "^{commit}")
        c.git("fetch", "-q", "--no-tags", "--depth=1", "origin", f"+{commit}:refs/tags/{tag}")
        c.git("checkout", "-q", tag)
        assert c.git("rev-parse", "--is-shallow-repository") == "true"
        assert c.git("cat-file", "-t", tag) == "commit"
        return c
    c = clone(make_repo, remote, "ci", *options)
    commit = c.git("rev-parse", tag + "^{commit}")
    c.git("tag", "-d", tag)
    c.git("tag", tag, commit)
    assert c.git("cat-file", "-t", tag) == "commit"
    return c


def test_check_ref_on_lightweight_tag_says_how_to_refetch(make_repo, remote):
    c = lightweight_checkout(make_repo, remote, "churn#prod#2")
    before = c.git("for-each-ref")
    for flags in ([], ["--json"], ["--event"], ["--name"]):
        res = c.gto("check-ref", "churn#prod#2", *flags, expect=1)
        assert res.out == ""
        assert len(res.err.splitlines()) == 1 and res.err.startswith("❌ "), res
        assert "lightweight" in res.err
        assert "git fetch --force origin 'refs/tags/churn#prod#2:refs/tags/churn#prod#2'" in res.err
        assert "--fetch" in res.err
    assert c.gto("check-ref", "refs/tags/churn#prod#2", expect=1).err == res.err
    assert c.git("for-each-ref") == before  # nothing fetched without --fetch


def test_check_ref_lightweight_names_the_remote(make_repo, remote):
    c = lightweight_checkout(make_repo, remote, "churn@v1.1.0")
    c.git("remote", "rename", "origin", "upstream")
    res = c.gto("check-ref", "churn@v1.1.0", "--remote", "upstream", expect=1)
    assert "git fetch --force upstream 'refs/tags/churn@v1.1.0:refs/tags/churn@v1.1.0'" in res.err


def test_refetch_as_told_fixes_it(make_repo, remote):
    c = lightweight_checkout(make_repo, remote, "churn#prod#2")
    c.git("fetch", "-q", "--force", "origin", "refs/tags/churn#prod#2:refs/tags/churn#prod#2")
    assert c.gto("check-ref", "churn#prod#2", "--event").out == "assignment\n"


@pytest.mark.parametrize("options", [[], ["--depth", "1"]], ids=["full", "shallow"])
def test_check_ref_fetch(make_repo, remote, options):
    c = lightweight_checkout(make_repo, remote, "churn#prod#2", *options)
    res = c.gto("check-ref", "--fetch", "churn#prod#2", "--event")
    assert res.out == "assignment\n"
    assert c.git("cat-file", "-t", "churn#prod#2") == "tag"  # annotated again
    assert c.git("rev-parse", "churn#prod#2") == remote.git("rev-parse", "churn#prod#2")
    assert c.gto("check-ref", "churn#prod#2", "--version").out == "v1.1.0\n"
    res = c.gto("check-ref", "--fetch", "churn#prod#2")
    assert res.out == '✅  Stage "prod" was assigned to version "v1.1.0" of artifact "churn"\n'


def test_check_ref_fetch_tag_missing_on_remote(make_repo, remote):
    c = clone(make_repo, remote, "ci")
    c.tag("churn#dev#9")  # made here, never pushed
    before = c.git("for-each-ref", "--format=%(refname) %(objectname)")
    res = c.gto("check-ref", "--fetch", "churn#dev#9", expect=1)
    assert len(res.err.splitlines()) == 1 and res.err.startswith("❌ "), res
    assert "churn#dev#9" in res.err
    assert c.git("for-each-ref", "--format=%(refname) %(objectname)") == before


def test_check_ref_fetch_without_remote(make_repo, remote):
    c = lightweight_checkout(make_repo, remote, "churn#prod#2")
    c.git("remote", "remove", "origin")
    res = c.gto("check-ref", "--fetch", "churn#prod#2", expect=1)
    assert len(res.err.splitlines()) == 1 and res.err.startswith("❌ "), res


# -- the README's CI steps -------------------------------------------------------------------

def ci_steps():
    text = (ROOT / "README.md").read_text()
    m = re.search(r"<!-- recipe: ci-steps -->\s*```sh\n(.*?)```", text, re.S)
    assert m, "README.md has no ci-steps recipe"
    return m.group(1)


@pytest.mark.parametrize("options", [[], ["--depth", "1"], ["--no-tags"]], ids=["full", "shallow", "no-tags"])
def test_readme_ci_steps(make_repo, remote, options):
    c = lightweight_checkout(make_repo, remote, "churn#prod#2", *options) if "--no-tags" not in options \
        else clone(make_repo, remote, "ci", *options)
    if "--no-tags" in options:  # only the triggering tag, lightweight
        c.git("tag", "churn#prod#2", remote.git("rev-parse", "churn#prod#2^{commit}"))
    proc = subprocess.run(["sh", "-e", "-c", ci_steps()], cwd=c.path, capture_output=True, text=True,
                          env=dict(c.env, TAG="churn#prod#2"))
    assert proc.returncode == 0, proc
    assert proc.stdout == "deploy churn v1.1.0 to prod\n", proc
    assert "Traceback" not in proc.stderr


def test_readme_ci_steps_on_a_registration_do_nothing(make_repo, remote):
    c = lightweight_checkout(make_repo, remote, "churn@v1.1.0")
    proc = subprocess.run(["sh", "-e", "-c", ci_steps()], cwd=c.path, capture_output=True, text=True,
                          env=dict(c.env, TAG="churn@v1.1.0"))
    assert proc.returncode == 0 and proc.stdout == "", proc


def test_check_ref_fetch_never_overwrites_other_local_tags(make_repo, remote):
    """--fetch forces the one tag asked about; the artifact's other tags come
    along only where they are missing here."""
    c = lightweight_checkout(make_repo, remote, "churn#prod#2")
    c.git("tag", "-d", "churn@v1.0.0")
    c.git("tag", "-a", "churn@v1.0.0", "-m", "local edition", "HEAD~2")
    mine = c.git("rev-parse", "churn@v1.0.0")
    assert c.gto("check-ref", "--fetch", "churn#prod#2", "--event").out == "assignment\n"
    assert c.git("rev-parse", "churn@v1.0.0") == mine
