"""`-r/--repo` with local bare repositories (a plain path and a file:// URL,
never the network), and `git gto status` against a remote."""

import json
import os
import shlex

import pytest

GTO = "stages: [dev, prod]\n"
ANNOTATIONS = "churn:\n  type: model\n  path: models/churn.pkl\n  description: Churn model\n"


@pytest.fixture
def remote(make_repo):
    """A bare repository holding a small registry, and the work repo it came from."""
    src = make_repo("src")
    src.commit("one", {"models/churn.pkl": "1", ".gto": GTO, "artifacts.yaml": ANNOTATIONS})
    src.tag("churn@v1.0.0")
    src.tag("churn#dev#1")
    src.commit("two", {"models/churn.pkl": "2"})
    src.tag("churn@v1.1.0")
    src.tag("churn#prod#2")
    src.commit("three", {"models/churn.pkl": "3"})  # HEAD: not registered yet
    bare = make_repo("remote.git", bare=True)
    src.git("push", "-q", str(bare.path), "main", "--tags")
    bare.src = src
    return bare


@pytest.fixture
def outside(make_repo, tmp_path):
    """An empty repository to run commands from, with TMPDIR pointing at a
    directory the test can inspect."""
    r = make_repo("outside")
    tmp = tmp_path / "tmpdir"
    tmp.mkdir()
    r.env = dict(r.env, TMPDIR=str(tmp))
    r.tmp = tmp
    return r


def urls(remote):
    return {"path": str(remote.path), "file-url": "file://" + str(remote.path)}


def assert_no_temp_left(outside):
    assert [p for p in os.listdir(outside.tmp) if p.startswith("git-gto-remote-")] == []


def refs(repo):
    return repo.git("for-each-ref", "--format=%(refname) %(objectname)")


@pytest.fixture(params=["path", "file-url"])
def where(request, remote):
    return urls(remote)[request.param]


# -- reading -----------------------------------------------------------------------------

def test_show_reads_remote(outside, remote, where):
    res = outside.gto("show", "--plain", "-r", where)
    assert res.out.splitlines() == ["name\tlatest\t#dev\t#prod", "churn\tv1.1.0\tv1.0.0\tv1.1.0"]
    assert res.err == ""
    assert_no_temp_left(outside)
    assert json.loads(outside.gto("show", "--json", "--repo", where).out)["churn"]["stage"] == \
        {"dev": "v1.0.0", "prod": "v1.1.0"}


def test_show_artifact_and_shortcuts_remote(outside, remote, where):
    assert outside.gto("show", "churn#prod", "--version", "-r", where).out == "v1.1.0\n"
    assert outside.gto("show", "churn@latest", "--ref", "-r", where).out == "churn@v1.1.0\n"
    lines = outside.gto("show", "churn", "--plain", "-r", where).out.splitlines()
    # HEAD's artifacts.yaml annotates churn: HEAD shows as an unregistered version (as in GTO).
    assert [line.split("\t")[1] for line in lines[1:]] == ["v1.1.0", "v1.0.0", remote.src.sha()[:7]]
    assert_no_temp_left(outside)


def test_history_remote(outside, remote, where):
    events = json.loads(outside.gto("history", "churn", "--json", "-r", where).out)
    assert [e["ref"] for e in events] == ["churn#prod#2", "churn@v1.1.0", "churn#dev#1", "churn@v1.0.0"]
    assert events[0]["commit"] == remote.src.sha("HEAD~1")
    assert_no_temp_left(outside)


def test_check_ref_remote(outside, remote, where):
    res = outside.gto("check-ref", "churn#prod#2", "-r", where)
    assert res.out == '✅  Stage "prod" was assigned to version "v1.1.0" of artifact "churn"\n'
    assert outside.gto("check-ref", "churn@v1.0.0", "--event", "-r", where).out == "registration\n"
    assert_no_temp_left(outside)


def test_stages_remote_reads_gto_from_head(outside, remote, where):
    """.gto comes from the remote's HEAD (its order, not the used stages)."""
    assert outside.gto("stages", "-r", where).out == "dev\nprod\n"
    assert outside.gto("stages", "--used", "-r", where).out == "dev\nprod\n"
    # The configured stages are enforced by writes through -r too.
    res = outside.gto("assign", "churn", "--version", "v1.0.0", "--stage", "qa", "-r", where, expect=1)
    assert res.err == "❌ Allowed stages are: dev, prod (from HEAD:.gto); 'qa' is not one of them\n"


def test_describe_remote_reads_annotations_from_head(outside, remote, where):
    assert json.loads(outside.gto("describe", "churn", "-r", where).out) == {
        "type": "model", "path": "models/churn.pkl", "description": "Churn model"}
    assert outside.gto("describe", "churn#prod", "--path", "-r", where).out == "models/churn.pkl\n"
    assert_no_temp_left(outside)


def test_doctor_remote(outside, remote, where):
    res = outside.gto("doctor", "-r", where)
    assert "STAGES=['dev', 'prod']" in res.out
    assert "No issues found" in res.out


def test_reading_changes_nothing(outside, remote, where):
    before = refs(remote)
    for cmd in (["show"], ["history"], ["stages"], ["describe", "churn"], ["check-ref", "churn@v1.0.0"]):
        outside.gto(*cmd, "-r", where)
    assert refs(remote) == before
    assert refs(outside) == ""
    assert_no_temp_left(outside)


def test_empty_remote(outside, make_repo):
    empty = make_repo("empty.git", bare=True)
    res = outside.gto("show", "-r", "file://" + str(empty.path))
    assert res.out == "Nothing found in the current workspace\n"
    assert_no_temp_left(outside)


# -- writing -----------------------------------------------------------------------------

@pytest.mark.parametrize("args,tag", [
    (["register", "churn"], "churn@v1.1.1"),
    (["register", "churn", "--bump-minor"], "churn@v1.2.0"),
    (["assign", "churn", "--version", "v1.0.0", "--stage", "prod"], "churn#prod#3"),
    (["deprecate", "churn", "v1.1.0", "prod"], "churn#prod!#3"),
    (["deprecate", "churn", "v1.0.0"], "churn@v1.0.0!"),
    (["deprecate", "churn"], "churn@deprecated"),
])
def test_write_through_url_pushes(outside, remote, args, tag):
    url = "file://" + str(remote.path)
    res = outside.gto(*args, "-r", url)
    assert f"Created git tag '{tag}'" in res.out
    assert f"Running `git push {url} {shlex.quote(tag)}`" in res.out
    assert f"Successfully pushed git tag {tag} on remote." in res.out
    assert "To push the changes upstream" not in res.out
    assert tag in remote.git("tag").split()
    assert remote.git("cat-file", "-t", tag) == "tag"
    assert refs(outside) == ""  # nothing happened here
    assert_no_temp_left(outside)
    # Another reader sees it.
    assert tag in [e["ref"] for e in json.loads(outside.gto("history", "churn", "--json", "-r", url).out)]


def test_register_through_url_at_remote_head(outside, remote):
    url = "file://" + str(remote.path)
    remote.src.commit("four", {"models/churn.pkl": "4"})
    remote.src.git("push", "-q", str(remote.path), "main")
    outside.gto("register", "churn", "-r", url)
    assert remote.git("rev-parse", "churn@v1.1.1^{commit}") == remote.src.sha()


def test_write_through_url_dry_run_pushes_nothing(outside, remote):
    before = refs(remote)
    res = outside.gto("register", "churn", "--dry-run", "-r", "file://" + str(remote.path))
    assert res.out == "Would have created git tag 'churn@v1.1.1' that registers version\n"
    assert refs(remote) == before
    assert_no_temp_left(outside)


def test_write_through_url_error_leaves_remote_alone(outside, remote):
    before = refs(remote)
    res = outside.gto("register", "churn", "--version", "v1.0.0", "-r", "file://" + str(remote.path), expect=1)
    assert res.err.startswith("❌ Version 'v1.0.0' already was registered")
    assert refs(remote) == before
    assert_no_temp_left(outside)


def test_write_to_bare_path_is_local(outside, remote):
    """A path that exists is a local repository: the tag is made there, no push."""
    res = outside.gto("register", "churn", "-r", str(remote.path))
    assert "Running `git push" not in res.out
    assert "churn@v1.1.1" in remote.git("tag").split()


def test_annotate_through_url_is_refused(outside, remote):
    before = refs(remote)
    res = outside.gto("annotate", "churn", "--type", "model", "-r", "file://" + str(remote.path), expect=1)
    assert res.err.startswith("❌ ") and len(res.err.splitlines()) == 1
    assert refs(remote) == before
    assert_no_temp_left(outside)


# -- refused -------------------------------------------------------------------------------

@pytest.mark.parametrize("cmd", [["show"], ["history"], ["stages"], ["check-ref", "a@v1.0.0"],
                                 ["register", "churn"], ["status"]], ids=lambda c: c[0])
def test_ext_transport_refused(outside, cmd):
    marker = outside.tmp / "pwned"
    res = outside.gto(*cmd, "-r", f"ext::sh -c touch% {marker}", check=False)
    assert res.code == 1, res
    assert len(res.err.splitlines()) == 1 and res.err.startswith("❌ "), res
    if cmd[0] != "status":
        assert "'ext' not allowed" in res.err or "ext" in res.err
    assert not marker.exists()
    assert_no_temp_left(outside)


@pytest.mark.parametrize("form", [["-r", "-x"], ["--repo=-x"], ["-r=-x"], ["--repo=--upload-pack=touch pwned"]])
@pytest.mark.parametrize("cmd", [["show"], ["register", "churn"], ["status"]], ids=lambda c: c[0])
def test_dash_repo_refused(outside, cmd, form):
    res = outside.gto(*cmd, *form, check=False)
    assert res.code in (1, 2), res
    assert "Traceback" not in res.err
    if res.code == 1:
        assert res.err.startswith("❌ Invalid repository") and len(res.err.splitlines()) == 1, res
    assert not (outside.path / "pwned").exists()
    assert_no_temp_left(outside)


@pytest.mark.parametrize("cmd", [["show"], ["register", "churn"], ["status"]], ids=lambda c: c[0])
def test_missing_path_is_a_clear_error(outside, tmp_path, cmd):
    res = outside.gto(*cmd, "-r", str(tmp_path / "no-such-dir"), expect=1)
    assert res.err == f"❌ No such repository: '{tmp_path / 'no-such-dir'}' is neither a directory nor a URL\n"
    assert_no_temp_left(outside)


def test_missing_file_url_is_a_clear_error(outside, tmp_path):
    res = outside.gto("show", "-r", "file://" + str(tmp_path / "nope.git"), expect=1)
    assert res.err.startswith("❌ Cannot read the remote repository") and len(res.err.splitlines()) == 1
    assert_no_temp_left(outside)


def test_no_prompt_for_credentials(outside):
    """An http URL that wants credentials must fail, not hang on a prompt.
    (A port nobody listens on: connection refused, instantly.)"""
    res = outside.gto("show", "-r", "http://127.0.0.1:9/repo.git", expect=1)
    assert res.err.startswith("❌ Cannot read the remote repository")
    assert_no_temp_left(outside)


# -- git gto status --------------------------------------------------------------------------

@pytest.fixture
def clone(remote, make_repo):
    """A clone of the remote with every tag: in sync."""
    c = make_repo("clone")
    c.git("remote", "add", "origin", str(remote.path))
    c.git("fetch", "-q", "--tags", "origin")
    c.git("checkout", "-q", "-b", "main", "origin/main")
    return c


def test_status_in_sync(clone):
    res = clone.gto("status")
    assert res.out == "GTO tags are in sync with 'origin' (4 tags).\n"
    data = json.loads(clone.gto("status", "--json").out)
    assert data == {"remote": "origin", "in_sync": True, "not_pushed": [], "not_fetched": [], "different": []}


def test_status_ignores_non_gto_tags(clone):
    clone.git("tag", "release-1")
    assert clone.gto("status").code == 0


def test_status_unpushed_with_push_hint(clone):
    clone.gto("assign", "churn", "--version", "v1.0.0", "--stage", "prod")
    clone.gto("register", "churn")
    res = clone.gto("status", expect=1)
    lines = res.out.splitlines()
    assert any("churn#prod#3" in line and "not pushed" in line for line in lines)
    assert any("churn@v1.1.1" in line and "not pushed" in line for line in lines)
    assert "To push the changes upstream, run:" in lines
    assert "    git push origin 'refs/tags/churn#prod#3' refs/tags/churn@v1.1.1" in lines
    data = json.loads(clone.gto("status", "--json", expect=1).out)
    assert data["in_sync"] is False
    assert data["not_pushed"] == ["churn#prod#3", "churn@v1.1.1"]
    # Following the hint brings it back in sync.
    clone.git("push", "-q", "origin", "refs/tags/churn#prod#3", "refs/tags/churn@v1.1.1")
    assert clone.gto("status").code == 0


def test_status_unfetched(clone, remote):
    remote.src.gto("register", "churn")
    remote.src.git("push", "-q", str(remote.path), "churn@v1.1.1")
    res = clone.gto("status", expect=1)
    assert any("churn@v1.1.1" in line and "not fetched" in line for line in res.out.splitlines())
    assert "To push the changes upstream" not in res.out
    assert "To fetch the remote's tags, run:" in res.out
    assert json.loads(clone.gto("status", "--json", expect=1).out)["not_fetched"] == ["churn@v1.1.1"]


def test_status_different(clone):
    """Same name, another tag object (re-created with another message)."""
    clone.git("tag", "-d", "churn#dev#1")
    clone.git("tag", "-a", "churn#dev#1", "-m", "re-created", "HEAD~1")
    res = clone.gto("status", expect=1)
    assert any("churn#dev#1" in line and "different" in line for line in res.out.splitlines())
    assert "--force" in res.out
    data = json.loads(clone.gto("status", "--json", expect=1).out)
    assert data["different"] == ["churn#dev#1"] and data["not_pushed"] == [] and data["not_fetched"] == []


def test_status_remote_name_and_url(clone, remote, make_repo):
    other = make_repo("other.git", bare=True)
    clone.git("remote", "add", "upstream", str(other.path))
    res = clone.gto("status", "--remote", "upstream", expect=1)
    assert "    git push upstream " in res.out
    assert len(json.loads(clone.gto("status", "--remote", "upstream", "--json", expect=1).out)["not_pushed"]) == 4
    url = "file://" + str(remote.path)
    assert clone.gto("status", "--remote", url).code == 0
    assert json.loads(clone.gto("status", "--remote", url, "--json").out)["remote"] == url
    assert json.loads(clone.gto("status", "--remote", str(other.path), "--json", expect=1).out)["in_sync"] is False


def test_status_unknown_remote(clone):
    res = clone.gto("status", "--remote", "nope", expect=3)
    assert res.err.startswith("❌ Cannot list the tags of 'nope'") and len(res.err.splitlines()) == 1


def test_status_without_origin(make_repo):
    r = make_repo("lonely")
    r.commit("one")
    res = r.gto("status", expect=3)  # cannot check (issue 17)
    assert res.err.startswith("❌ ") and len(res.err.splitlines()) == 1
