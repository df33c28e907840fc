"""Issue 16, part B: no side doors around the policy, rules that mean what
they say. Each attack is made as an attacker with push access (and no one
else's private key) would: through a real `git push` to a local bare remote
whose pre-receive hook runs `git gto verify --stdin` (the pushed objects sit
in git's quarantine, as on a server), and through `verify`, `check-ref
--verify` and the write check where they apply. The legitimate flows pass.

The cast: alice and bob (ml), bob and carol (release), carol (admins: the
only one who may change the policy); mallory has a key nobody trusts."""

import os

import pytest

from gtorepo import GtoRepo
from signing import needs_ssh_keygen, remote_with_hook, setup_signing, signers_line

pytestmark = needs_ssh_keygen

POLICY = """\
signers: .gto-signers
groups:
  admins: [carol@example.com]
  ml: [alice@example.com, bob@example.com]
  release: [bob@example.com, carol@example.com]
register: {signed_by: [ml]}
stages:
  staging: {from: [dev], signed_by: [ml]}
  prod: {from: [staging], signed_by: [release], distinct: true}
policy: {signed_by: [admins]}
"""
GTO = "stages: [dev, staging, prod]\n"
ZERO = "0" * 40


def signers(keys, people=("alice", "bob", "carol")):
    return "".join(signers_line(keys, p) for p in people)


def as_(keys, person):
    return ("-u", str(keys[person]))


def commit(r, keys, msg, files, signer=None):
    """A commit of `files`, signed by `signer` (None: unsigned)."""
    r.tick()
    for rel, text in files.items():
        (r.path / rel).write_text(text)
        r.git("add", "--", rel)
    sign = ["-c", f"user.signingkey={keys[signer]}"] if signer else []
    r.git(*sign, "commit", "-q", "--allow-empty", *(["-S"] if signer else ["--no-gpg-sign"]), "-m", msg)
    return r.sha()


def push(r, *refspecs, ok=True):
    res = r.run(["git", "push", "--porcelain", "origin", *refspecs], check=False)
    assert (res.code == 0) == ok, res
    return res


def hook_said(res):
    """What the hook printed, as the pusher sees it (`remote: ` lines)."""
    return "\n".join(line[len("remote: "):] for line in res.err.splitlines() if line.startswith("remote: "))


def git_tag(r, name, *flags, ref="HEAD"):
    r.tick(10)  # after what git gto wrote (it dates a tag past the artifact's latest event)
    r.git("tag", *flags, "-m", name, name, ref)


@pytest.fixture
def server(tmp_path, keys):
    """(a clone whose main carries the policy, its bare origin with the hook
    and main pushed, the origin's GtoRepo)."""
    remote = remote_with_hook(tmp_path)
    r = GtoRepo(tmp_path)
    setup_signing(r, keys, trusted=("alice", "bob", "carol", "mallory"))
    commit(r, keys, "policy", {".gto": GTO, ".gto-policy": POLICY, ".gto-signers": signers(keys)}, "carol")
    r.git("remote", "add", "origin", str(remote.path))
    push(r, "main")
    return r, remote


def promote(r, keys, version="v0.0.1", ref=None):
    """Register (alice), dev (unsigned: no rule), staging (alice), prod (bob)."""
    where = [ref] if ref else []
    r.gto("register", "m", *where, "--version", version, *as_(keys, "alice"))
    r.gto("assign", "m", "--version", version, "--stage", "dev", "--no-sign")
    r.gto("assign", "m", "--version", version, "--stage", "staging", *as_(keys, "alice"))
    r.gto("assign", "m", "--version", version, "--stage", "prod", *as_(keys, "bob"))


def new_tags(r, before):
    return ["refs/tags/" + t for t in sorted(set(r.tags()) - set(before))]


# -- the policy protects itself ------------------------------------------------------------


def test_emptying_the_policy_needs_an_admin_signature(server, keys):
    r, remote = server
    before = remote.sha("main")
    c = commit(r, keys, "relax", {".gto-policy": "{}\n"})
    res = push(r, "main", ok=False)
    assert (f"FAIL refs/heads/main - policy: commit {c[:12]} changes .gto-policy: not signed by a key of the "
            f"signers file; needs a signature of admins") in hook_said(res)
    r.git("reset", "-q", "--hard", "HEAD~1")
    commit(r, keys, "relax", {".gto-policy": "{}\n"}, "alice")  # a trusted key, not an admin
    assert "signed by alice@example.com, who is not in admins" in hook_said(push(r, "--force", "main", ok=False))
    r.git("reset", "-q", "--hard", "HEAD~1")
    commit(r, keys, "relax", {".gto-policy": "{}\n"}, "mallory")  # unknown to the signers file
    assert "not signed by a key of the signers file" in hook_said(push(r, "--force", "main", ok=False))
    assert remote.sha("main") == before
    # the rules in force still hold: an unsigned registration is refused
    git_tag(r, "m@v0.0.1", "-a")
    assert "FAIL m@v0.0.1 - register: unsigned" in hook_said(push(r, "refs/tags/m@v0.0.1", ok=False))


def test_adding_a_key_to_the_signers_file_needs_an_admin_signature(server, keys):
    r, remote = server
    grown = signers(keys) + signers_line(keys, "mallory").replace("mallory@", "alice@")
    commit(r, keys, "add a key", {".gto-signers": grown}, "mallory")
    res = push(r, "main", ok=False)
    assert "changes .gto-signers: not signed by a key of the signers file" in hook_said(res)
    r.git("reset", "-q", "--hard", "HEAD~1")
    # signed by an admin, checked against the signers file before the push: accepted
    c = commit(r, keys, "add a key", {".gto-signers": grown}, "carol")
    res = push(r, "main")
    assert f"ok refs/heads/main carol@example.com policy: commit {c[:12]} changes .gto-signers: signed by " \
           f"carol@example.com (admins)" in hook_said(res)
    assert remote.sha("main") == c


def test_a_change_hidden_in_a_series_or_a_merge_is_found(server, keys):
    r, remote = server
    before = remote.sha("main")
    # an unsigned change, then a signed commit on top of it
    commit(r, keys, "sneak", {".gto-policy": POLICY.replace("carol@example.com]\n  ml", "mallory@example.com]\n  ml")})
    commit(r, keys, "innocent", {"README": "hi\n"}, "carol")
    assert "changes .gto-policy: not signed" in hook_said(push(r, "main", ok=False))
    r.git("reset", "-q", "--hard", before)
    # an unsigned side branch merged by an admin-signed merge commit
    r.git("checkout", "-q", "-b", "side")
    side = commit(r, keys, "sneak", {".gto-signers": signers(keys, ("alice", "bob", "carol", "mallory"))})
    r.git("checkout", "-q", "main")
    commit(r, keys, "main moves", {"file.txt": "x\n"})
    r.tick()
    r.git("-c", f"user.signingkey={keys['carol']}", "merge", "-q", "-S", "--no-edit", "side")
    res = push(r, "main", ok=False)
    assert f"FAIL refs/heads/main - policy: commit {side[:12]} changes .gto-signers: not signed" in hook_said(res)
    assert remote.sha("main") == before


def test_the_policy_branch_cannot_be_deleted_or_rewound(server, keys):
    r, remote = server
    res = push(r, ":refs/heads/main", ok=False)
    assert "FAIL refs/heads/main - policy: the push deletes the policy branch" in hook_said(res)
    # tighten the policy (signed), then try to go back to the looser one by a force-push
    loose = r.sha()
    commit(r, keys, "tighter", {".gto-policy": POLICY + "immutable: true\n"}, "carol")
    push(r, "main")
    res = push(r, "--force", f"{loose}:refs/heads/main", ok=False)
    assert "a push that is not a fast-forward changes .gto-policy" in hook_said(res)
    # a branch that is not the policy branch moves freely
    push(r, f"{loose}:refs/heads/feature")
    push(r, "--force", "main:refs/heads/feature")


def test_branches_and_signed_changes_are_the_legitimate_flow(server, keys):
    r, remote = server
    commit(r, keys, "code", {"model.txt": "1\n"})  # touches no policy file: no signature needed
    push(r, "main")
    before = r.tags()
    promote(r, keys)
    push(r, *new_tags(r, before))
    commit(r, keys, "new admin", {".gto-policy": POLICY.replace("admins: [carol@", "admins: [bob@")}, "carol")
    push(r, "main")
    commit(r, keys, "by the new admin", {".gto-policy": POLICY.replace("admins: [carol@", "admins: [bob@")
                                         + "immutable: true\n"}, "bob")
    push(r, "main")


# -- the hook's policy ref ----------------------------------------------------------------------


def test_head_unborn_or_elsewhere_with_gto_policy_ref(server, keys):
    r, remote = server
    remote.git("symbolic-ref", "HEAD", "refs/heads/nothing-here")  # unborn
    git_tag(r, "m@v0.0.1", "-a")
    res = push(r, "refs/tags/m@v0.0.1")  # no policy at HEAD: said, not silent
    assert "warning: no policy: gto.policyRef is not set and HEAD has no .gto-policy" in hook_said(res)
    assert hook_said(res).count("warning:") == 1
    remote.git("config", "gto.policyRef", "refs/heads/main")
    git_tag(r, "m@v0.0.2", "-a")
    assert "FAIL m@v0.0.2 - register: unsigned" in hook_said(push(r, "refs/tags/m@v0.0.2", ok=False))
    # HEAD on a born branch without a policy: the configured ref still decides
    push(r, "main:refs/heads/nothing-here")
    remote.git("symbolic-ref", "HEAD", "refs/heads/plain")
    push(r, f"{r.sha('HEAD~0')}:refs/heads/plain")
    assert "FAIL m@v0.0.2" in hook_said(push(r, "refs/tags/m@v0.0.2", ok=False))
    # the policy branch is protected under its configured name
    commit(r, keys, "relax", {".gto-policy": "{}\n"})
    assert "FAIL refs/heads/main - policy:" in hook_said(push(r, "main", ok=False))
    push(r, "main:refs/heads/plain")  # HEAD's branch is not the policy branch


def test_a_missing_policy_ref_fails_closed(tmp_path, keys):
    remote = remote_with_hook(tmp_path)
    remote.git("config", "gto.policyRef", "refs/heads/main")
    r = GtoRepo(tmp_path)
    setup_signing(r, keys)
    commit(r, keys, "code", {"model.txt": "1\n"})
    r.git("remote", "add", "origin", str(remote.path))
    git_tag(r, "m@v0.0.1", "-s")
    res = push(r, "refs/tags/m@v0.0.1", ok=False)
    said = hook_said(res)
    assert "FAIL m@v0.0.1 - policy: cannot check: the policy is unreadable" in said
    assert ("❌ Cannot read the policy: 'refs/heads/main' is not a commit here (gto.policyRef): GTO tags are "
            "refused until it is fixed (branches go through)") in said
    push(r, "refs/heads/main:refs/heads/feature")  # branches go through
    res = push(r, "main")  # creating the policy ref: a branch
    assert "is not a commit here (gto.policyRef): GTO tags are refused until it is fixed; this push has none" \
        in hook_said(res)
    # the policy ref exists but has no policy: still closed
    assert "'refs/heads/main' has no .gto-policy (gto.policyRef)" in hook_said(push(r, "refs/tags/m@v0.0.1", ok=False))
    # the policy arrives (creating it is the bootstrap): tags are checked from then on
    commit(r, keys, "policy", {".gto": GTO, ".gto-policy": POLICY, ".gto-signers": signers(keys)}, "carol")
    push(r, "main")
    push(r, "refs/tags/m@v0.0.1")  # signed by alice (ml)
    # a short name is refused as configuration, never guessed
    remote.git("config", "gto.policyRef", "main")
    res = push(r, "main:refs/heads/other", ok=False)
    assert "gto.policyRef must be a full ref name such as refs/heads/main, not 'main'" in hook_said(res)


def test_policy_ref_argument_of_the_hook(server, keys):
    r, remote = server
    branch = f"{ZERO} {r.sha()} refs/heads/feature\n"
    tag = f"{ZERO} {r.sha()} refs/tags/m@v0.0.1\n"
    remote.git("config", "gto.policyRef", "refs/heads/nope")
    res = remote.run(["git", "gto", "verify", "--stdin"], input=tag, check=False)
    assert res.code == 3 and "'refs/heads/nope' is not a commit here (gto.policyRef)" in res.err
    # the argument wins over the configuration
    res = remote.run(["git", "gto", "verify", "--stdin", "--policy-ref", "refs/heads/main"], input=tag, check=False)
    assert res.code == 1 and "FAIL m@v0.0.1 - annotated: a lightweight tag" in res.out
    res = remote.run(["git", "gto", "verify", "--stdin", "--policy-ref", "refs/heads/nah"], input=branch,
                     check=False)
    assert (res.code, res.out) == (0, "")
    assert "'refs/heads/nah' is not a commit here (--policy-ref)" in res.err


# -- a broken policy -------------------------------------------------------------------------


def test_a_broken_policy_refuses_gto_tags_only_and_its_fix_goes_through(server, keys):
    r, remote = server
    before = r.tags()
    promote(r, keys)
    commit(r, keys, "oops", {".gto-policy": POLICY + "stages: [\n"}, "carol")
    push(r, "main")
    res = push(r, *new_tags(r, before), ok=False)
    said = hook_said(res)
    assert "FAIL m@v0.0.1 - policy: cannot check: the policy is unreadable" in said
    assert "❌ Wrong policy file 'HEAD:.gto-policy'" in said and "GTO tags are refused until it is fixed" in said
    assert remote.tags() == []
    push(r, "main:refs/heads/feature")  # branches go through
    # the fix goes through, held to the last policy that read: an admin signs it
    commit(r, keys, "fix", {".gto-policy": POLICY})
    res = push(r, "main", ok=False)
    assert "FAIL refs/heads/main - policy: commit" in hook_said(res) and "needs a signature of admins" in hook_said(res)
    r.git("reset", "-q", "--hard", "HEAD~1")
    commit(r, keys, "fix", {".gto-policy": POLICY}, "carol")
    push(r, "main")
    push(r, *new_tags(r, before))
    assert remote.tags() == sorted(t[len("refs/tags/"):] for t in new_tags(r, before))


def test_breaking_the_policy_from_outside_opens_no_door(server, keys):
    """`.gto` is not a policy file, but the policy's stages must be ones it
    allows: shrinking it breaks the policy. The door the policy guarded stays shut."""
    r, remote = server
    commit(r, keys, "fewer stages", {".gto": "stages: [dev]\n"})  # unsigned: .gto is not protected
    push(r, "main")
    commit(r, keys, "relax", {".gto-policy": "{}\n"})
    res = push(r, "main", ok=False)
    assert "changes .gto-policy: not signed by a key of the signers file; needs a signature of admins" \
        in hook_said(res)
    # nor does a HEAD elsewhere: the hook reads .gto from the policy ref
    r.git("reset", "-q", "--hard", "HEAD~2")
    remote.git("config", "gto.policyRef", "refs/heads/main")
    push(r, "--force", "main")  # back to the full .gto (a rewind, but of .gto only)
    push(r, "HEAD:refs/heads/other")
    remote.git("symbolic-ref", "HEAD", "refs/heads/other")
    commit(r, keys, "broken .gto on HEAD", {".gto": "stages: [\n"})
    push(r, "HEAD:refs/heads/other")
    git_tag(r, "m@v0.0.1", "-a", ref="main")
    assert "FAIL m@v0.0.1 - register: unsigned" in hook_said(push(r, "refs/tags/m@v0.0.1", ok=False))


def test_a_broken_gto_config_refuses_gto_tags_only(server, keys):
    r, remote = server
    commit(r, keys, "oops", {".gto": "stages: [dev\n"})
    push(r, "main")
    git_tag(r, "m@v0.0.1", "-s")
    res = push(r, "refs/tags/m@v0.0.1", ok=False)
    assert "❌ Wrong config file 'HEAD:.gto'" in hook_said(res)
    commit(r, keys, "fix", {".gto": GTO})
    push(r, "main")
    push(r, "refs/tags/m@v0.0.1")


# -- rules that mean what they say ------------------------------------------------------------


def test_a_second_registration_of_the_same_name_does_not_steer_a_promotion(server, keys):
    r, remote = server
    a = commit(r, keys, "model 1", {"model.txt": "1\n"})
    before = r.tags()
    r.gto("register", "m", "--version", "v1.0.0", *as_(keys, "alice"))
    r.gto("assign", "m", "--version", "v1.0.0", "--stage", "dev", "--no-sign")
    r.gto("assign", "m", "--version", "v1.0.0", "--stage", "staging", *as_(keys, "alice"))
    push(r, "main", *new_tags(r, before))
    # the attacker: deregister, then an unsigned re-registration of v1.0.0 on their own commit
    b = commit(r, keys, "evil model", {"model.txt": "evil\n"})
    git_tag(r, "m@v1.0.0!#3", "-a", ref=a)
    git_tag(r, "m@v1.0.0#4", "-a", ref=b)
    res = push(r, "main", "refs/tags/m@v1.0.0!#3", "refs/tags/m@v1.0.0#4", ok=False)
    assert "FAIL m@v1.0.0#4 - register: unsigned" in hook_said(res)
    # bob promotes "v1.0.0": the name now points at the attacker's commit, whose registration is not valid
    res = r.gto("assign", "m", "--version", "v1.0.0", "--stage", "prod", *as_(keys, "bob"), check=1)
    assert f"refuses m#prod#5: stages.prod: version v1.0.0 on commit {b[:7]} has no valid registration in force" \
           in res.err
    # a prod tag made by hand on the attacker's commit: signed by bob, still refused everywhere
    git_tag(r, "m#prod#5", "-s", "-u", str(keys["bob"]), ref=b)
    res = push(r, "refs/tags/m#prod#5", ok=False)
    assert f"FAIL m#prod#5 bob@example.com stages.prod: commit {b[:7]} has no valid registration" in hook_said(res)
    assert r.gto("check-ref", "m#prod#5", "--verify", check=1).err.startswith("❌ The policy (HEAD:.gto-policy)")
    out = r.gto("verify", "--all", check=1).out
    assert "FAIL m@v1.0.0#4 - register: unsigned" in out and "FAIL m#prod#5 bob@example.com stages.prod:" in out
    assert "FAIL m@v1.0.0!#3 - register: unsigned" in out
    # the legitimate promotion of the legitimate commit, by commit, passes
    r.git("tag", "-d", "m#prod#5", "m@v1.0.0#4", "m@v1.0.0!#3")
    before = r.tags()
    r.gto("assign", "m", a, "--stage", "prod", *as_(keys, "bob"))
    push(r, *new_tags(r, before))


def test_an_unsigned_from_stage_names_no_second_person(server, keys):
    r, remote = server
    two_person = POLICY.replace("prod: {from: [staging]", "prod: {from: [dev]")
    commit(r, keys, "prod from dev", {".gto-policy": two_person}, "carol")
    push(r, "main")
    before = r.tags()
    r.gto("register", "m", *as_(keys, "alice"))
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "dev", "--no-sign")  # no rule for dev: allowed
    push(r, *new_tags(r, before))
    res = r.gto("assign", "m", "--version", "v0.0.1", "--stage", "prod", *as_(keys, "bob"), check=1)
    assert "the dev assignment (m#dev#1) is unsigned, so it names no second person; needs a second person" in res.err
    git_tag(r, "m#prod#2", "-s", "-u", str(keys["bob"]))
    assert "FAIL m#prod#2 bob@example.com stages.prod: the dev assignment" in \
           hook_said(push(r, "refs/tags/m#prod#2", ok=False))
    r.git("tag", "-d", "m#prod#2")
    # dev by bob, prod by bob: one person; prod by carol: two
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "dev", "--force", *as_(keys, "bob"))
    assert "who also assigned dev" in r.gto("assign", "m", "--version", "v0.0.1", "--stage", "prod",
                                            *as_(keys, "bob"), check=1).err
    before = r.tags()
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "dev", "--force", *as_(keys, "alice"))
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "prod", *as_(keys, "bob"))
    push(r, *new_tags(r, before))


def test_an_unsigned_rollback_fails_verify_and_the_hook(server, keys):
    r, remote = server
    before = r.tags()
    promote(r, keys)
    push(r, *new_tags(r, before))
    assert r.gto("verify").code == 0
    git_tag(r, "m#prod!#4", "-a")  # the rollback of prod, unsigned
    res = r.gto("verify", check=1)
    assert "FAIL m#prod!#4 - stages.prod: unsigned; needs a signature of release" in res.out
    assert "FAIL m#prod!#4 - stages.prod: unsigned" in hook_said(push(r, "refs/tags/m#prod!#4", ok=False))
    r.git("tag", "-d", "m#prod!#4")
    git_tag(r, "m@v0.0.1!#4", "-a")  # an unsigned deregistration
    assert "FAIL m@v0.0.1!#4 - register: unsigned" in r.gto("verify", check=1).out
    r.git("tag", "-d", "m@v0.0.1!#4")
    r.gto("unassign", "m", "v0.0.1", "prod", *as_(keys, "carol"))  # a signed rollback is fine
    assert r.gto("verify").code == 0


def test_an_unassigned_from_stage_no_longer_counts(server, keys):
    r, remote = server
    r.gto("register", "m", *as_(keys, "alice"))
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "dev", "--no-sign")
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "staging", *as_(keys, "alice"))
    r.gto("unassign", "m", "v0.0.1", "staging", *as_(keys, "alice"))
    res = r.gto("assign", "m", "--version", "v0.0.1", "--stage", "prod", *as_(keys, "bob"), check=1)
    assert "left staging (m#staging!#3) and is not in staging now" in res.err


@pytest.mark.parametrize("policy, problem", [
    (POLICY.replace("  prod:", "  prd:"),
     "'stages': stage 'prd': Allowed stages are: dev, staging, prod (from .gto); 'prd' is not one of them; "
     "did you mean 'prod'?"),
    (POLICY.replace("from: [staging]", "from: [stagin]"),
     "'stages.prod.from': stage 'stagin': Allowed stages are: dev, staging, prod (from .gto); 'stagin' is not "
     "one of them; did you mean 'staging'?"),
    ("stages: {prod: }\n", "'stages.prod' has no value: give it a rule ({signed_by: [...]}) or remove it"),
    ("register:\n", "'register' has no value: give it a rule or remove the key"),
    ("groups: {a: [x]}\npolicy: {}\n", "'policy' needs 'signed_by'"),
])
def test_a_policy_that_does_not_mean_what_it_says_is_an_error(tmp_path, keys, policy, problem):
    r = GtoRepo(tmp_path)
    setup_signing(r, keys)
    commit(r, keys, "policy", {".gto": GTO, ".gto-policy": policy, ".gto-signers": signers(keys)})
    git_tag(r, "m@v0.0.1", "-a")
    error = f"❌ Wrong policy file 'HEAD:.gto-policy': {problem}\n"
    assert r.gto("verify", check=3).err == error
    assert r.gto("check-ref", "m@v0.0.1", "--verify", check=3).err == error
    assert r.gto("register", "m", "--version", "v0.0.2", check=1).err == error
    res = r.gto("doctor", check=1)
    assert "POLICY='unreadable'" in res.out and error[2:].strip() in res.out


def test_doctor_reports_the_policy_health(server, keys):
    r, remote = server
    res = r.gto("doctor")
    assert "POLICY='HEAD:.gto-policy'" in res.out and "No issues found" in res.out
    commit(r, keys, "drop carol's key", {".gto-signers": signers(keys, ("alice", "bob")),
                                         ".gto-policy": POLICY.replace("policy: {signed_by: [admins]}\n", "")})
    res = r.gto("doctor", check=1)
    assert ("group 'admins' of 'HEAD:.gto-policy' names carol@example.com, who has no key in 'HEAD:.gto-signers'"
            in res.out)
    assert "does not protect itself" in res.out
    r.git("rm", "-q", ".gto-signers")
    r.git("commit", "-q", "-m", "no signers")
    assert "names the signers file 'HEAD:.gto-signers', which does not exist" in r.gto("doctor", check=1).out


# -- cannot check: exit 3, never a pass --------------------------------------------------------


def path_without_ssh_keygen(tmp_path, r):
    """PATH with git-gto, python and git, but no ssh-keygen."""
    import shutil

    bare = tmp_path / "bin-without-ssh-keygen"
    bare.mkdir()
    os.symlink(shutil.which("git"), bare / "git")
    kept = [p for p in r.env["PATH"].split(os.pathsep) if not os.path.exists(os.path.join(p, "ssh-keygen"))]
    return os.pathsep.join(kept + [str(bare)])


def test_ssh_keygen_missing_is_cannot_check_everywhere(tmp_path, server, keys):
    r, remote = server
    before = r.tags()
    promote(r, keys)
    env = {"PATH": path_without_ssh_keygen(tmp_path, r)}
    res = r.run(["git", "gto", "verify"], env=env, check=False)
    assert (res.code, res.err) == (3, "❌ Cannot check signatures: 'ssh-keygen' is not installed (not on PATH)\n")
    res = r.run(["git", "gto", "check-ref", "m#prod#3", "--verify"], env=env, check=False)
    assert res.code == 3 and "'ssh-keygen' is not installed" in res.err
    res = r.run(["git", "push", "origin", *new_tags(r, before)], env=env, check=False)
    assert res.code != 0 and "'ssh-keygen' is not installed" in hook_said(res)
    assert remote.tags() == []
    res = r.run(["git", "gto", "verify", "--stdin"], env=env, check=False,
                input=f"{ZERO} {r.git('rev-parse', 'refs/tags/m@v0.0.1').strip()} refs/tags/m@v0.0.1\n")
    assert res.code == 3


def test_a_git_failure_is_cannot_check(server, keys):
    r, remote = server
    r.gto("register", "m", *as_(keys, "alice"))
    res = r.gto("check-ref", "m@v0.0.1", "--verify", "--policy-ref", "no-such-branch", check=3)
    assert res.err.startswith("❌ Cannot read the policy")
    res = r.gto("verify", "--policy-ref", "no-such-branch", check=3)
    assert res.err.startswith("❌ Cannot read the policy")


def test_a_retired_admin_key_stays_retired_on_a_backdated_policy_commit(server, keys):
    """Policy commits are checked as of the push, like pushed tags: carol's key,
    retired (valid-before) in the signers file, cannot sign a policy change
    whose commit claims a date from before her retirement."""
    r, remote = server
    retired = signers(keys).replace("carol@example.com ssh-", 'carol@example.com valid-before="20250101Z" ssh-', 1)
    assert retired != signers(keys)
    commit(r, keys, "retire carol", {".gto-signers": retired}, "carol")  # her key is still good for this one
    push(r, "main")
    # dated 2023 (the test clock), before valid-before: git alone would verify it at that date
    commit(r, keys, "relax", {".gto-policy": "{}\n"}, "carol")
    res = push(r, "main", ok=False)
    assert "changes .gto-policy: not signed by a key of the signers file" in hook_said(res), hook_said(res)
