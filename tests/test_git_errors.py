"""Every git failure reaches the user with git's own reason (its `fatal:` or
`error:` line), never the tail of git's advice ("… and the repository
exists."): a missing remote, a missing URL, a refused push, through every
command that talks to a remote."""

import pytest

from gitgto.git import git_reason

MISSING = "does not appear to be a git repository"


@pytest.fixture
def local(make_repo):
    r = make_repo("local")
    r.commit("one", {"model.pkl": "1"})
    r.tag("rf@v1.0.0")
    r.commit("two", {"model.pkl": "2"})
    return r


@pytest.fixture
def refusing(make_repo, local):
    """A bare origin whose pre-receive hook refuses every push."""
    origin = make_repo("origin.git", bare=True)
    hook = origin.path / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'tags are frozen today' >&2\nexit 1\n")
    hook.chmod(0o755)
    local.git("remote", "add", "origin", str(origin.path))
    return origin


# command, what the message must contain besides git's reason
NO_REMOTE = {
    "status": (["status"], "'origin' " + MISSING),
    "status-remote": (["status", "--remote", "upstream"], "'upstream' " + MISSING),
    "check-ref-fetch": (["check-ref", "--fetch", "rf@v1.0.0"], "'origin' " + MISSING),
    "check-ref-fetch-remote": (["check-ref", "--fetch", "--remote", "upstream", "rf@v1.0.0"],
                               "'upstream' " + MISSING),
    "register-push": (["register", "other", "--push"], "'origin' " + MISSING),
    "assign-push": (["assign", "rf", "--version", "v1.0.0", "--stage", "dev", "--push"], "'origin' " + MISSING),
    "deprecate-delete-push": (["deprecate", "rf", "v1.0.0", "--delete", "--push"], "'origin' " + MISSING),
}


@pytest.mark.parametrize("cmd,reason", NO_REMOTE.values(), ids=list(NO_REMOTE))
def test_missing_remote_says_why(local, cmd, reason):
    res = local.gto(*cmd, expect=3 if cmd[0] == "status" else 1)  # status: "cannot check" (issue 17)
    assert len(res.err_lines) == 1 and res.err.startswith("❌ "), res
    assert reason in res.err, res
    assert "repository exists" not in res.err and "Could not read from remote" not in res.err, res


MISSING_URL = {
    "show": ["show"],
    "show-name": ["show", "rf"],
    "history": ["history"],
    "check-ref": ["check-ref", "rf@v1.0.0"],
    "register": ["register", "rf"],
}


@pytest.mark.parametrize("cmd", MISSING_URL.values(), ids=list(MISSING_URL))
def test_missing_url_says_why(local, tmp_path, cmd):
    url = (tmp_path / "nowhere.git").as_uri()
    res = local.gto(*cmd, "-r", url, expect=1)
    assert res.err_lines == [f"❌ Cannot read the remote repository '{url}': "
                             f"'{tmp_path / 'nowhere.git'}' {MISSING}"], res


REFUSED = {
    "register": (["register", "rf", "HEAD", "--version", "v2.0.0", "--push"], "git push origin rf@v2.0.0"),
    "assign": (["assign", "rf", "--version", "v1.0.0", "--stage", "dev", "--push"],
               "git push origin rf@v1.0.0 'rf#dev#1'"),  # (the registration goes along: issue 17)
    "delete": (["deprecate", "rf", "v1.0.0", "--delete", "--push"], "git push --delete origin rf@v1.0.0"),
}


@pytest.mark.parametrize("cmd,command", REFUSED.values(), ids=list(REFUSED))
def test_refused_push_says_why(local, refusing, cmd, command):
    res = local.gto(*cmd, expect=1)
    assert res.lines[-1] == f"Running `{command}`", res
    assert len(res.err_lines) == 1, res
    assert res.err.startswith(f"❌ The command `{command}` failed ([remote rejected] (pre-receive hook declined); "), res
    assert "remote: tags are frozen today)" in res.err, res


def test_one_running_line_per_push(local, make_repo):
    origin = make_repo("open.git", bare=True)
    local.git("remote", "add", "origin", str(origin.path))
    res = local.gto("assign", "rf", "--version", "v1.0.0", "--stage", "dev", "--push")
    assert [line for line in res.lines if line.startswith("Running")] == ["Running `git push origin rf@v1.0.0 'rf#dev#1'`"]


@pytest.mark.parametrize("stderr,reason", [
    ("fatal: 'origin' does not appear to be a git repository\nfatal: Could not read from remote repository.\n\n"
     "Please make sure you have the correct access rights\nand the repository exists.\n",
     "'origin' does not appear to be a git repository"),
    ("error: src refspec refs/tags/x does not match any\nerror: failed to push some refs to 'o'\n",
     "src refspec refs/tags/x does not match any"),
    ("hint: something to try\nwarning: odd\n", "warning: odd"),
    (b"fatal: caf\xc3\xa9 is gone\n", "café is gone"),
    ("", "the fallback"),
    ("\n  \n", "the fallback"),
])
def test_git_reason(stderr, reason):
    assert git_reason(stderr, "the fallback") == reason
