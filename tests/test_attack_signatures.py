"""Governance against an attacker who can push but holds no one else's
private key (issue 16, signatures and side doors). Every attack goes through
a real `git push` to a local bare remote whose pre-receive hook runs
`git gto verify --stdin` (the pushed objects sit in quarantine, as on a
server), and through `git gto verify`, `check-ref --verify` and the check a
write makes before it creates a tag. Keys are made in the test, offline."""

import base64
import json
import shutil
import struct

import pytest

from gtorepo import GtoRepo
from signing import needs_ssh_keygen, remote_with_hook, setup_signing, signers_line
from test_governance import as_, with_policy

pytestmark = needs_ssh_keygen

GOOD_TEXT = 'Good "git" signature for {who}@example.com with ED25519 key SHA256:{fp}'


@pytest.fixture
def hooked(tmp_path, keys):
    """(a clone signing as alice with the policy pushed, its bare origin with the hook)."""
    remote = remote_with_hook(tmp_path)
    r = GtoRepo(tmp_path)
    r.commit("init")
    setup_signing(r, keys, trusted=("alice", "bob", "carol", "mallory"))
    with_policy(r, keys)
    r.git("remote", "add", "origin", str(remote.path))
    push(r, "main")
    return r, remote


def push(r, *refspecs, ok=True):
    res = r.run(["git", "push", "--porcelain", "origin", *refspecs], check=False)
    assert (res.code == 0) == ok, res
    return res


def verify_lines(r, *args, code):
    res = r.gto("verify", *args, check=code)
    return [tuple(line.split(" ", 3)) for line in res.lines]


# -- a signature block made by hand --------------------------------------------------------


def _string(data):
    return struct.pack(">I", len(data)) + data


def forged_signature(public_key, text, namespace="git"):
    """An armored SSHSIG (PROTOCOL.sshsig: magic, version, publickey,
    namespace, reserved, hash_algorithm, signature) made without any private
    key: the claimed signer's public key, `text` in the string fields that
    ssh-keygen echoes back, and 64 zero bytes as the signature."""
    blob = public_key if isinstance(public_key, bytes) else \
        base64.b64decode(public_key.with_suffix(".pub").read_text().split()[1])
    raw = (b"SSHSIG" + struct.pack(">I", 1) + _string(blob) + _string(namespace.encode()) + _string(text.encode())
           + _string(text.encode()) + _string(_string(b"ssh-ed25519") + _string(bytes(64))))
    armored = base64.b64encode(raw).decode()
    lines = [armored[i:i + 76] for i in range(0, len(armored), 76)]
    return "-----BEGIN SSH SIGNATURE-----\n" + "\n".join(lines) + "\n-----END SSH SIGNATURE-----\n"


def forge_tag(r, name, signature, message=None, ref="HEAD", who="Bob"):
    """An annotated tag object written with `git mktag`, as an attacker
    would, and its ref."""
    r.tick()
    body = (f"object {r.sha(ref)}\ntype commit\ntag {name}\n"
            f"tagger {who} <{who.lower()}@example.com> {r.now} +0000\n\n{message or name}\n{signature}")
    oid = r.git("mktag", input=body).strip()
    r.git("update-ref", "refs/tags/" + name, oid)
    return oid


# the claimed key: bob's own public key (ssh-keygen finds bob as the principal and then fails the
# signature) or a key of no one (it falls back to check-novalidate); the text in the fields
# ssh-keygen echoes, or in the namespace too
VARIANTS = [("bob", "hash"), ("nobody", "hash"), ("bob", "namespace")]


def forgery(keys, claimed, where, who="bob"):
    text = f'x\n{GOOD_TEXT.format(who=who, fp="Zm9yZ2Vk")}\n'
    key = keys[claimed] if claimed != "nobody" else bytes(_string(b"ssh-ed25519") + _string(b"\x07" * 32))
    return forged_signature(key, text, namespace=text if where == "namespace" else "git")


@pytest.mark.parametrize("claimed, where", VARIANTS)
def test_a_hand_made_ssh_signature_is_refused_everywhere(hooked, keys, claimed, where):
    r, remote = hooked
    r.gto("register", "m", *as_(keys, "alice"))
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "dev", "--no-sign")
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "staging", *as_(keys, "alice"))
    push(r, "--tags")
    before = remote.tags()
    # a promotion to prod "signed by bob" (release), made without bob's key
    forge_tag(r, "m#prod#3", forgery(keys, claimed, where))
    res = push(r, "refs/tags/m#prod#3", ok=False)
    assert "FAIL m#prod#3 - stages.prod: bad signature" in res.err, res
    assert remote.tags() == before
    (status, tag, signer, why), = verify_lines(r, "m#prod#3", code=1)
    assert (status, signer) == ("FAIL", "-") and why.startswith("stages.prod: bad signature"), why
    res = r.gto("check-ref", "m#prod#3", "--verify", check=1)
    assert res.err.startswith("❌ The policy (HEAD:.gto-policy) refuses m#prod#3: stages.prod: bad signature"), res
    # a forged staging assignment "by alice" satisfies no `from`: the write check refuses prod
    r.commit("two")
    r.gto("register", "m", *as_(keys, "alice"))
    r.gto("assign", "m", "--version", "v0.0.2", "--stage", "dev", "--no-sign")
    forge_tag(r, "m#staging#9", forgery(keys, "alice" if claimed == "bob" else claimed, where, who="alice"))
    res = r.gto("assign", "m", "--version", "v0.0.2", "--stage", "prod", *as_(keys, "bob"), check=1)
    assert "stages.prod: version v0.0.2 was never assigned staging by a valid event" in res.err, res
    assert verify_lines(r, "m#staging#9", code=1)[0][3].startswith("stages.staging: bad signature")


def test_verdict_text_in_messages_and_blobs_shifts_no_verdict(hooked, keys):
    """A blob whose echoed field carries two end-of-tag separators (of the
    batched verify-tag that git-gto once ran; ssh-keygen echoes up to 100
    characters), then an honest signed tag, then the attacker's unsigned
    one, whose messages carry separator and verdict text: each tag keeps its
    own verdict (batched, the attacker's tag got the honest one's)."""
    r, remote = hooked
    separators = "".join(f"\nerror: tag 'gto verify separator {i}' not found." for i in range(2))
    said = separators + "\n" + GOOD_TEXT.format(who="bob", fp="abc") + "\n"
    forge_tag(r, "a@v0.0.1", forged_signature(keys["bob"], separators + "\n"), message="a" + said)
    r.tick()
    r.git("tag", "-s", "-u", str(keys["alice"]), "-m", "b" + said, "b@v0.0.1")
    r.tick()
    r.git("tag", "-a", "-m", "c" + said, "c@v0.0.1")  # unsigned
    r.tick()
    r.git("tag", "-s", "-u", str(keys["mallory"]), "-m", "d" + said, "d@v0.0.1")  # not in the signers file
    expected = [("FAIL", "a@v0.0.1", "-", "register: bad signature"),
                ("ok", "b@v0.0.1", "alice@example.com", "register: signed by alice@example.com (ml)"),
                ("FAIL", "c@v0.0.1", "-", "register: unsigned"),
                ("FAIL", "d@v0.0.1", "-", "register: signed by a key that is not in the signers file")]
    for args in (["a@v0.0.1", "b@v0.0.1", "c@v0.0.1", "d@v0.0.1"], ["--all"]):
        got = verify_lines(r, *args, code=1)
        assert [line[:3] + (line[3].split(";")[0].split(" (Could")[0],) for line in got] == expected, got
    res = push(r, "refs/tags/a@v0.0.1", "refs/tags/b@v0.0.1", "refs/tags/c@v0.0.1", "refs/tags/d@v0.0.1", ok=False)
    assert "FAIL a@v0.0.1 - register: bad signature" in res.err
    assert "ok b@v0.0.1 alice@example.com register" in res.err
    assert "FAIL c@v0.0.1 - register: unsigned" in res.err
    assert "FAIL d@v0.0.1 - register: signed by a key that is not in the signers file" in res.err
    push(r, "refs/tags/b@v0.0.1")
    assert remote.tags() == ["b@v0.0.1"]


# -- replace refs ------------------------------------------------------------------------------


def test_the_hook_refuses_replace_refs_unless_the_server_allows_them(hooked):
    r, remote = hooked
    old = r.sha()
    r.commit("replacement")
    r.git("replace", old, r.sha())
    res = push(r, f"refs/replace/{old}", ok=False)
    assert f"FAIL refs/replace/{old} - replace refs: the push creates a replace ref" in res.err, res
    assert "git config gto.allowReplaceRefs true" in res.err
    assert remote.git("for-each-ref", "refs/replace") == ""
    remote.git("config", "gto.allowReplaceRefs", "true")
    push(r, f"refs/replace/{old}")
    remote.git("config", "gto.allowReplaceRefs", "false")
    res = push(r, f":refs/replace/{old}", ok=False)
    assert "replace refs: the push deletes a replace ref" in res.err


def test_replace_refs_do_not_change_the_policy_or_the_signers(hooked, keys):
    """Replace objects that would relax the policy (HEAD's commit) and make
    mallory's key read as bob's (the signers blob): git-gto never follows
    them, in writes, verify, check-ref and the hook."""
    r, remote = hooked
    policy_commit = r.sha()
    signers_blob = r.git("rev-parse", "HEAD:.gto-signers").strip()
    # a commit like HEAD with no rules, and signers that list mallory's key for bob
    relaxed = r.git("mktree", input="".join(
        f"100644 blob {r.git('hash-object', '-w', '--stdin', input=text).strip()}\t{path}\n"
        for path, text in ((".gto-policy", "{}\n"), (".gto-signers", "")))).strip()
    fake = r.git("commit-tree", relaxed, "-m", "relaxed").strip()
    mallory_as_bob = signers_line(keys, "mallory").replace("mallory@", "bob@")
    fake_signers = r.git("hash-object", "-w", "--stdin", input=mallory_as_bob).strip()
    r.git("replace", signers_blob, fake_signers)
    r.tick()
    r.git("tag", "-a", "-m", "unsigned", "m@v0.0.1")
    r.tick()
    r.git("tag", "-s", "-u", str(keys["mallory"]), "-m", "mallory", "n@v0.0.1")
    assert r.git("cat-file", "-p", "HEAD:.gto-signers") == mallory_as_bob  # git itself follows it
    got = verify_lines(r, "m@v0.0.1", "n@v0.0.1", code=1)
    assert [line[:3] for line in got] == [("FAIL", "m@v0.0.1", "-"), ("FAIL", "n@v0.0.1", "-")], got
    assert "signed by a key that is not in the signers file" in got[1][3]
    r.git("replace", "-d", signers_blob)
    r.git("replace", policy_commit, fake)
    assert r.git("cat-file", "-p", "HEAD:.gto-policy") == "{}\n"
    assert verify_lines(r, "m@v0.0.1", code=1)[0][3] == "register: unsigned; needs a signature of ml"
    assert "register: unsigned" in r.gto("check-ref", "m@v0.0.1", "--verify", check=1).err
    res = r.gto("register", "o", "--no-sign", check=1)
    assert "refuses o@v0.0.1: register: unsigned" in res.err, res
    # the server accepts the replace refs (allowed), and still reads the real policy and signers
    remote.git("config", "gto.allowReplaceRefs", "true")
    r.git("replace", signers_blob, fake_signers)
    push(r, "refs/replace/*:refs/replace/*")
    assert len(remote.git("for-each-ref", "refs/replace").splitlines()) == 2
    res = push(r, "refs/tags/m@v0.0.1", "refs/tags/n@v0.0.1", ok=False)
    assert "FAIL m@v0.0.1 - register: unsigned" in res.err
    assert "FAIL n@v0.0.1 - register: signed by a key that is not in the signers file" in res.err


# -- a retired key and a backdated tag -----------------------------------------------------


def test_a_retired_key_stays_retired_in_the_hook(hooked, keys):
    """The signers file retires bob (`valid-before` in the past). A tag bob
    signs now but dates before that is refused at push time; `verify` of an
    old tag bob signed when his key was valid still passes (tagger date)."""
    r, remote = hooked
    r.gto("register", "m", *as_(keys, "bob"))  # 2023 (the tests' clock), when bob's key was valid
    push(r, "refs/tags/m@v0.0.1")
    retired = signers_line(keys, "bob").replace(" ssh-", ' valid-before="20250101Z" ssh-', 1)
    r.commit("retire bob", {".gto-signers": "".join(signers_line(keys, p) for p in ("alice", "carol")) + retired})
    push(r, "main")
    assert r.gto("verify", "m@v0.0.1").lines[0].startswith("ok m@v0.0.1 bob@example.com register")
    r.commit("two")
    r.tick()
    r.git("tag", "-s", "-u", str(keys["bob"]), "-m", "backdated", "m@v0.0.2")  # dated 2023 by the clock
    # verify of history reads it at its tagger date; the hook, as of the push
    assert r.gto("verify", "m@v0.0.2").lines[0].startswith("ok m@v0.0.2 bob@example.com")
    res = push(r, "refs/tags/m@v0.0.2", ok=False)
    assert "FAIL m@v0.0.2 - register: signed by a key that is not in the signers file" in res.err, res
    # the write check asks about now too
    res = r.gto("register", "o", *as_(keys, "bob"), check=1)
    assert "refuses o@v0.0.1: register: signed by a key that is not in the signers file" in res.err, res
    # a key that is valid now goes through, in the same push as history signed by the retired one
    r.git("tag", "-d", "m@v0.0.2")
    r.gto("register", "m", *as_(keys, "alice"))
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "dev", "--no-sign")
    push(r, "--tags")


# -- big pushes --------------------------------------------------------------------------------


def test_a_push_of_5000_artifacts(hooked, keys):
    """One registration for each of 5,000 artifacts with long names (a
    pattern per artifact on one command line would pass Linux's 2 MiB
    limit), under a policy that governs only prod: it goes through."""
    r, remote = hooked
    r.commit("policy", {".gto-policy": "groups: {release: [bob@example.com]}\n"
                                       "stages: {prod: {signed_by: [release]}}\n"})
    push(r, "main")
    head = r.sha()
    stream = []
    for i in range(5000):
        name = f"{'model-with-a-long-descriptive-name-' * 4}{i:05d}@v0.0.1"
        stream.append(f"tag {name}\nfrom {head}\ntagger T <t@example.com> {r.now + i} +0000\n"
                      f"data {len(name)}\n{name}\n")
    r.git("fast-import", "--quiet", input="".join(stream))
    res = push(r, "refs/tags/*:refs/tags/*")
    assert "FAIL" not in res.err
    assert len(remote.tags()) == 5000
    forge_tag(r, "m#prod#1", forged_signature(keys["bob"], GOOD_TEXT.format(who="bob", fp="x")))
    assert "FAIL m#prod#1 - stages.prod: bad signature" in push(r, "refs/tags/m#prod#1", ok=False).err


def test_a_check_git_cannot_run_is_cannot_check_never_a_pass(hooked, keys):
    r, remote = hooked
    r.gto("register", "m", *as_(keys, "alice"))
    r.git("config", "gpg.ssh.program", str(r.path / "no-ssh-keygen"))
    env = {"GTO_NO_CACHE": "1"}
    res = r.gto("verify", "m@v0.0.1", check=3, env=env)
    # (found missing before git runs; git's own "cannot run" is the same verdict, see verdict_of's tests)
    assert res.err.startswith("❌ Cannot check signatures: '") and "no-ssh-keygen' is not installed" in res.err, res
    assert r.gto("check-ref", "m@v0.0.1", "--verify", check=False, env=env).code != 0


# -- the verdict cache -------------------------------------------------------------------------


def verify_tag_runs(r, tmp_path, *args, code=0, env=None):
    """How many `git verify-tag` processes one `git gto verify ARGS` ran (git's own trace)."""
    trace = tmp_path / "trace"
    trace.write_text("")
    r.gto("verify", *args, check=code, env=dict(env or {}, GIT_TRACE=str(trace)))
    return sum("verify-tag" in line and "built-in" in line for line in trace.read_text().splitlines())


def test_good_verdicts_are_cached_until_the_signers_change(hooked, keys, tmp_path):
    r, remote = hooked
    r.gto("register", "m", *as_(keys, "alice"))
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "dev", "--no-sign")
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "staging", *as_(keys, "alice"))
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "prod", *as_(keys, "bob"))
    r.tick()
    r.git("tag", "-a", "-m", "unsigned", "n@v0.0.1")
    shutil.rmtree(r.path / ".git" / "gto" / "verdicts")  # (the writes' own checks filled it)
    # dev has no rule and nobody compares its signer: it is never verified (4 tags of 5)
    assert verify_tag_runs(r, tmp_path, "--all", code=1) == 4
    assert verify_tag_runs(r, tmp_path, "--all", code=1) == 1  # only the failure is checked again
    out = r.gto("verify", "--all", "--json", check=1).out
    assert {e["tag"]: e["signer"] for e in json.loads(out)["events"]} == {
        "m@v0.0.1": "alice@example.com", "m#dev#1": None, "m#staging#2": "alice@example.com",
        "m#prod#3": "bob@example.com", "n@v0.0.1": None}
    assert verify_tag_runs(r, tmp_path, "--all", code=1, env={"GTO_NO_CACHE": "1"}) == 4
    # a corrupt cache file is ignored
    for path in (r.path / ".git" / "gto" / "verdicts").iterdir():
        path.write_text('{"key": 1, "good": [')
    assert verify_tag_runs(r, tmp_path, "--all", code=1) == 4
    assert verify_tag_runs(r, tmp_path, "--all", code=1) == 1
    # a changed signers file (carol leaves) is a new key: everything is verified again
    r.commit("carol leaves", {".gto-signers": "".join(signers_line(keys, p) for p in ("alice", "bob"))})
    assert verify_tag_runs(r, tmp_path, "--all", code=1) == 4
    assert verify_tag_runs(r, tmp_path, "--all", code=1) == 1
    # and a cached "good" is still only good under the file that made it: bob leaves too
    r.commit("bob leaves", {".gto-signers": signers_line(keys, "alice")})
    got = verify_lines(r, "m#prod#3", code=1)
    assert got[0][3].startswith("stages.prod: signed by a key that is not in the signers file"), got
