"""SSH signing keys made in the test (offline) and a repository set up to
sign with them: `gpg.format=ssh`, `user.signingkey`, and
`gpg.ssh.allowedSignersFile`. Tests that use it skip only without ssh-keygen."""

import shutil
import subprocess

import pytest

needs_ssh_keygen = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")

PEOPLE = ("alice", "bob", "carol", "mallory")


def email(person):
    return f"{person}@example.com"


def make_keys(directory):
    """{person: private key path}; each has `path.pub` beside it."""
    directory.mkdir(parents=True, exist_ok=True)
    keys = {}
    for person in PEOPLE:
        path = directory / person
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", person, "-f", str(path)],
                       check=True, stdin=subprocess.DEVNULL)
        keys[person] = path
    return keys


def signers_line(keys, person):
    keytype, blob = (keys[person].with_suffix(".pub")).read_text().split()[:2]
    return f"{email(person)} {keytype} {blob}\n"


def setup_signing(repo, keys, person="alice", trusted=("alice", "bob", "carol")):
    """Configure `repo` (tests/gtorepo.GtoRepo) to sign as `person`; git's
    own allowed-signers file trusts `trusted`."""
    allowed = repo.path.parent / "allowed_signers"
    allowed.write_text("".join(signers_line(keys, p) for p in trusted))
    repo.git("config", "gpg.format", "ssh")
    repo.git("config", "user.signingkey", str(keys[person]))
    repo.git("config", "gpg.ssh.allowedSignersFile", str(allowed))


def remote_with_hook(tmp_path):
    """A bare repository whose pre-receive hook is `git gto verify --stdin`
    (pushed objects wait in quarantine while it runs, as on a server)."""
    from gtorepo import GtoRepo

    remote = GtoRepo(tmp_path, "remote.git", bare=True)
    hook = remote.path / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\nexec git gto verify --stdin\n")
    hook.chmod(0o755)
    return remote
