"""Signed writes (issue 9, "Signing works"): every write command signs with
-s/--sign or -u/--local-user, or when git's tag.gpgSign says so, never with
--no-sign; messages end with a newline so `git verify-tag` finds the
signature; the signature block is never part of `message` in any output."""

import json

import pytest

from gtorepo import GtoRepo
from signing import needs_ssh_keygen, setup_signing

pytestmark = needs_ssh_keygen


@pytest.fixture
def repo(tmp_path, keys):
    r = GtoRepo(tmp_path)
    r.commit("init")
    setup_signing(r, keys)
    return r


def verify_tag(r, name):
    """(good?, git's verification text)."""
    res = r.run(["git", "verify-tag", "--raw", "refs/tags/" + name], check=False)
    return res.code == 0, res.err


def is_signed(r, name):
    return "-----BEGIN SSH SIGNATURE-----" in r.git("cat-file", "-p", "refs/tags/" + name)


def messages(r, *args):
    return [e["message"] for e in json.loads(r.gto("history", *args, "--json").out)]


@pytest.mark.parametrize("command", [
    ("register", "m", "-s"),
    ("register", "m", "--sign"),
    ("assign", "m", "HEAD", "--stage", "dev", "-s"),
])
def test_sign_option_makes_a_signature_git_verifies(repo, command):
    r = repo
    r.gto(*command)
    for name in r.tags():
        good, text = verify_tag(r, name)
        assert good, text
        assert 'Good "git" signature for alice@example.com' in text


def test_every_write_command_signs(repo):
    r = repo
    r.gto("register", "m", "-s")
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "dev", "-s")
    r.gto("unassign", "m", "v0.0.1", "dev", "-s")
    r.gto("deprecate", "m", "v0.0.1", "prod", "--force", "-s")
    r.gto("deregister", "m", "v0.0.1", "-s")
    r.gto("deprecate", "m", "-s")
    names = r.tags()
    assert len(names) == 6
    for name in names:
        assert verify_tag(r, name)[0], name


def test_local_user_signs_with_that_key(repo, keys):
    r = repo
    r.gto("register", "m", "-u", str(keys["bob"]))
    good, text = verify_tag(r, "m@v0.0.1")
    assert good and 'signature for bob@example.com' in text
    r.commit("two")
    r.gto("register", "m", "--local-user", str(keys["carol"]) + ".pub")
    assert 'signature for carol@example.com' in verify_tag(r, "m@v0.0.2")[1]


def test_tag_gpgsign_is_the_default_and_no_sign_overrides_it(repo):
    r = repo
    r.gto("register", "m")
    assert not is_signed(r, "m@v0.0.1")
    r.git("config", "tag.gpgSign", "true")
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "dev")
    assert is_signed(r, "m#dev#1") and verify_tag(r, "m#dev#1")[0]
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "prod", "--no-sign")
    assert not is_signed(r, "m#prod#2")


def test_no_sign_and_local_user_conflict(repo, keys):
    res = repo.gto("register", "m", "--no-sign", "-u", str(keys["bob"]), check=2)
    assert "not allowed with argument" in res.err


def test_signature_is_never_part_of_the_message(repo):
    r = repo
    r.gto("register", "m", "-s", "-m", "first line\n\nbody")
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "prod", "-s")
    assert messages(r, "m") == ["Assigning stage prod to artifact m version v0.0.1", "first line\n\nbody"]
    check = json.loads(r.gto("check-ref", "m#prod#1", "--json").out)
    assert check["message"] == "Assigning stage prod to artifact m version v0.0.1"
    versions = json.loads(r.gto("show", "m", "--json").out)
    assert "SIGNATURE" not in json.dumps(versions)
    assert "SIGNATURE" not in r.gto("history", "m").out


def test_a_signature_glued_to_the_message_is_not_shown(repo):
    """gto 1.10.1 writes messages without a final newline: a signed tag's
    signature then starts on the message's last line (and git cannot verify
    it). git-gto still shows the message alone."""
    r = repo
    r.tick()
    r.git("tag", "-s", "--cleanup=verbatim", "-F", "-", "m@v0.0.1", input="Registering artifact m version v0.0.1")
    assert "v0.0.1-----BEGIN SSH SIGNATURE-----" in r.git("cat-file", "-p", "m@v0.0.1")
    assert messages(r, "m") == ["Registering artifact m version v0.0.1"]


def test_unsigned_messages_are_unchanged(repo):
    r = repo
    r.tag("m@v0.0.1", message="written by gto, no final newline")
    r.gto("register", "m", "HEAD~0", "--version", "v0.0.2", "--force", "-m", "by git-gto")
    assert messages(r, "m") == ["by git-gto", "written by gto, no final newline"]
    assert r.git("cat-file", "-p", "m@v0.0.2").endswith("\n\nby git-gto\n")


def test_a_git_signing_failure_is_one_line_and_creates_nothing(repo, tmp_path):
    r = repo
    r.git("config", "user.signingkey", str(tmp_path / "no-such-key"))
    res = r.gto("register", "m", "-s", check=1)
    assert len(res.err_lines) == 1 and res.err.startswith("❌ "), res
    assert r.tags() == []
