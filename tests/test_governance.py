"""Governance without a server (issue 11): `.gto-policy` and its signers file
read from a committed tree, each rule passing and failing, writes that check
before they create, `git gto verify` in its four modes, `check-ref --verify`
and a bare remote whose pre-receive hook runs `git gto verify --stdin`.
SSH keys are made in the test; everything is offline."""

import json

import pytest

from gtorepo import GtoRepo
from signing import email, needs_ssh_keygen, remote_with_hook, setup_signing, signers_line
from test_interop import compare, gto_bin  # noqa: F401 (gto_bin: the fixture installing gto 1.10.1)

pytestmark = needs_ssh_keygen

POLICY = """\
signers: .gto-signers
groups:
  ml: [alice@example.com, bob@example.com]
  release: [bob@example.com, carol@example.com]
register: {signed_by: [ml]}
stages:
  staging: {from: [dev], signed_by: [ml]}
  prod: {from: [staging], signed_by: [release], distinct: true}
immutable: true
"""


def with_policy(r, keys, policy=POLICY, signers=("alice", "bob", "carol")):
    r.commit("policy", {".gto-policy": policy, ".gto-signers": "".join(signers_line(keys, p) for p in signers)})


@pytest.fixture
def repo(tmp_path, keys):
    r = GtoRepo(tmp_path)
    r.commit("init")
    setup_signing(r, keys, trusted=("alice", "bob", "carol", "mallory"))
    with_policy(r, keys)
    return r


def as_(keys, person):
    return ("-u", str(keys[person]))


def refused(r, *args, rule):
    """A write the policy refuses: exit 1, one line naming the rule, no tag."""
    before = r.refs()
    r.tick()
    res = r.gto(*args, check=1)
    assert len(res.err_lines) == 1 and res.err.startswith("❌ The policy (HEAD:.gto-policy) refuses "), res
    assert f": {rule}: " in res.err, res
    assert r.refs() == before
    return res.err


def verify(r, *args, code=0):
    res = r.gto("verify", *args, check=code)
    return res


def lines(res):
    """[(status, tag, signer, 'rule: why')] of verify's output."""
    return [tuple(line.split(" ", 3)) for line in res.lines]


def promoted(r, keys):
    """m v0.0.1: registered by alice, dev (unsigned: no rule), staging by
    alice, prod by bob. Returns the tags."""
    r.gto("register", "m", *as_(keys, "alice"))
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "dev", "--no-sign")
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "staging", *as_(keys, "alice"))
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "prod", *as_(keys, "bob"))
    return ["m@v0.0.1", "m#dev#1", "m#staging#2", "m#prod#3"]


# -- the rules, through writes ---------------------------------------------------------


def test_a_clean_promotion_passes_every_rule(repo, keys):
    r = repo
    tags = promoted(r, keys)
    res = verify(r, "--all")
    got = {t: (status, signer, rest) for status, t, signer, rest in lines(res)}
    assert set(got) == set(tags)
    assert got["m@v0.0.1"] == ("ok", email("alice"), "register: signed by alice@example.com (ml)")
    assert got["m#dev#1"] == ("ok", "-", "-: no rule")
    assert got["m#prod#3"] == ("ok", email("bob"), "stages.prod: signed by bob@example.com (release), "
                                                    "from staging (m#staging#2 by alice@example.com)")


def test_unsigned_is_refused(repo, keys):
    err = refused(repo, "register", "m", "--no-sign", rule="register")
    assert "unsigned; needs a signature of ml" in err


def test_a_key_outside_the_signers_file_is_refused(repo, keys):
    err = refused(repo, "register", "m", *as_(keys, "mallory"), rule="register")
    assert "a key that is not in the signers file" in err


def test_an_allowed_key_outside_the_group_is_refused(repo, keys):
    err = refused(repo, "register", "m", *as_(keys, "carol"), rule="register")
    assert "signed by carol@example.com, who is not in ml" in err


def test_a_skipped_stage_is_refused(repo, keys):
    r = repo
    r.gto("register", "m", *as_(keys, "alice"))
    err = refused(r, "assign", "m", "--version", "v0.0.1", "--stage", "staging", *as_(keys, "alice"),
                  rule="stages.staging")
    assert "version v0.0.1 was never assigned dev by a valid event" in err
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "dev")
    refused(r, "assign", "m", "--version", "v0.0.1", "--stage", "prod", *as_(keys, "bob"), rule="stages.prod")


def test_the_same_signer_twice_is_refused_where_distinct(repo, keys):
    r = repo
    r.gto("register", "m", *as_(keys, "bob"))
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "dev")
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "staging", *as_(keys, "bob"))
    err = refused(r, "assign", "m", "--version", "v0.0.1", "--stage", "prod", *as_(keys, "bob"), rule="stages.prod")
    assert "who also assigned staging (m#staging#2); needs a second person" in err
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "prod", *as_(keys, "carol"))


def test_force_does_not_bypass_the_policy(repo, keys):
    r = repo
    promoted(r, keys)
    refused(r, "assign", "m", "--version", "v0.0.1", "--stage", "prod", "--force", "--no-sign", rule="stages.prod")


def test_stages_without_rules_and_the_tag_gpgsign_default(repo, keys):
    r = repo
    r.git("config", "tag.gpgSign", "true")  # user.signingkey is alice's
    r.gto("register", "m")
    r.gto("assign", "m", "--version", "v0.0.1", "--stage", "anything", "--no-sign")
    assert verify(r, "--all").lines[0].startswith("ok m@v0.0.1 alice@example.com register:")


def test_dry_run_reports_the_verdict(repo, keys):
    r = repo
    res = r.gto("register", "m", "--dry-run", *as_(keys, "alice"))
    assert res.lines == ["Would have created git tag 'm@v0.0.1' that registers version",
                         "The policy allows m@v0.0.1: register: signed by alice@example.com (ml)"]
    r.tick()
    res = r.gto("register", "m", "--dry-run", "--no-sign", check=1)
    assert "refuses m@v0.0.1: register: unsigned" in res.err
    assert r.tags() == []


def test_assign_that_registers_checks_both_events(repo, keys):
    r = repo
    err = refused(r, "assign", "m", "HEAD", "--stage", "dev", "--no-sign", rule="register")
    assert "m@v0.0.1" in err
    r.gto("assign", "m", "HEAD", "--stage", "dev", *as_(keys, "alice"))
    assert r.tags() == ["m#dev#1", "m@v0.0.1"]


# -- where the policy comes from --------------------------------------------------------


def test_the_policy_comes_from_the_committed_tree_not_the_work_tree(repo, keys):
    r = repo
    (r.path / ".gto-policy").write_text("{}\n")  # uncommitted: allows everything
    refused(r, "register", "m", "--no-sign", rule="register")


def test_policy_ref_names_another_branch(repo, keys):
    r = repo
    r.git("checkout", "-q", "-b", "feature")
    r.commit("no rules here", {".gto-policy": "{}\n"})
    r.gto("register", "m", "--no-sign")  # feature's own policy
    res = verify(r, "m@v0.0.1", "--policy-ref", "main", code=1)
    assert lines(res) == [("FAIL", "m@v0.0.1", "-", "register: unsigned; needs a signature of ml")]
    r.commit("two")
    refused_line = r.gto("register", "m", "--no-sign", "--policy-ref", "main", check=1).err
    assert "The policy (main:.gto-policy) refuses m@v0.0.2: register: unsigned" in refused_line
    assert verify(r, "--policy-ref", "no-such-branch", code=3).err.startswith("❌ Cannot read the policy")


@pytest.mark.parametrize("policy, problem", [
    ("groups: [a, b]\n", "'groups' must map group names to lists of principals"),
    ("register: {signed_by: [nobody]}\n", "'register.signed_by': no group 'nobody'"),
    ("stages: {prod: {form: [staging]}}\n", "'stages.prod': unknown key 'form'"),
    ("owners: x\n", "unknown key 'owners'"),
    ("register: [\n", ""),
    ("immutable: maybe\n", "'immutable' must be true or false"),
])
def test_a_broken_policy_is_an_error_naming_the_file(tmp_path, keys, policy, problem):
    r = GtoRepo(tmp_path)
    r.commit("init")
    r.tag("m@v0.0.1")
    with_policy(r, keys, policy)
    res = verify(r, "--all", code=3)
    assert res.err.startswith("❌ Wrong policy file 'HEAD:.gto-policy': " + problem), res
    # the same one-line error from the other commands: a write refuses (1), a verdict cannot be given (3)
    assert r.gto("register", "m", "--version", "v0.0.2", check=1).err == res.err
    assert r.gto("check-ref", "m@v0.0.1", "--verify", check=3).err == res.err


def test_any_error_is_cannot_check(tmp_path):
    """A hook must not mistake "could not look" for a verdict."""
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    r = GtoRepo(tmp_path)
    res = r.run(["git", "gto", "verify"], cwd=outside, check=False)
    assert res.code == 3 and res.err.startswith("❌ Not a git repository"), res


def test_a_missing_signers_file_cannot_be_checked(tmp_path, keys):
    r = GtoRepo(tmp_path)
    r.commit("policy", {".gto-policy": POLICY})
    res = verify(r, code=3)
    assert "names the signers file 'HEAD:.gto-signers', which does not exist" in res.err


# -- verify: tags written around git-gto --------------------------------------------------


def git_tag(r, name, *flags, ref="HEAD"):
    r.tick()
    r.git("tag", *flags, "-m", name, name, ref)


def test_verify_sees_what_writes_would_have_refused(repo, keys):
    r = repo
    promoted(r, keys)
    r.commit("two")
    git_tag(r, "m@v0.0.2", "-a")                              # unsigned
    git_tag(r, "m@v0.0.3", "-s", "-u", str(keys["mallory"]))  # unknown key
    git_tag(r, "m#prod#6", "-s", "-u", str(keys["carol"]))    # skipped stages
    r.git("tag", "m#prod#7")                                  # lightweight
    r.git("update-ref", "refs/tags/m@v0.0.4", r.git("rev-parse", "m@v0.0.1").strip())  # replayed
    res = verify(r, "m@v0.0.2", "m@v0.0.3", "m#prod#6", "m#prod#7", "m@v0.0.4", code=1)
    assert lines(res) == [
        ("FAIL", "m@v0.0.2", "-", "register: unsigned; needs a signature of ml"),
        ("FAIL", "m@v0.0.3", "-", "register: signed by a key that is not in the signers file; "
                                  "needs a signature of ml"),
        # m@v0.0.3 is refused, so it steers nothing: the commit has no valid registration
        ("FAIL", "m#prod#6", "carol@example.com", f"stages.prod: commit {r.sha()[:7]} has no valid registration "
                                                  f"in force"),
        ("FAIL", "m#prod#7", "-", "annotated: a lightweight tag: no tagger, no signature, no event"),
        ("FAIL", "m@v0.0.4", "alice@example.com", "tag name: the tag object is named 'm@v0.0.1' "
                                                  "(replayed under another name)"),
    ]
    assert verify(r, "m@v0.0.1", "refs/tags/m#prod#3").lines[1].startswith("ok m#prod#3 bob@example.com")


def test_verify_modes(repo, keys):
    r = repo
    promoted(r, keys)
    r.commit("two")
    r.gto("register", "m", *as_(keys, "bob"))
    r.gto("assign", "m", "--version", "v0.0.2", "--stage", "dev")
    everything = [t for _, t, _, _ in lines(verify(r, "--all"))]
    assert everything == ["m@v0.0.1", "m#dev#1", "m#staging#2", "m#prod#3", "m@v0.0.2", "m#dev#4"]
    # the current state: both registrations, dev held by both versions (GTO's `show` lists the latest)
    current = [t for _, t, _, _ in lines(verify(r))]
    assert sorted(current) == sorted(["m@v0.0.1", "m#dev#1", "m#staging#2", "m#prod#3", "m@v0.0.2", "m#dev#4"])
    assert [t for _, t, _, _ in lines(verify(r, "m#dev#1"))] == ["m#dev#1"]
    data = json.loads(verify(r, "m#prod#3", "--json").out)
    assert data == {"policy": "HEAD:.gto-policy", "ok": True, "events": [{
        "tag": "m#prod#3", "ok": True, "artifact": "m", "event": "assignment", "version": "v0.0.1",
        "stage": "prod", "signer": "bob@example.com", "signature": "good", "rule": "stages.prod",
        "reason": "signed by bob@example.com (release), from staging (m#staging#2 by alice@example.com)"}]}
    assert verify(r, "no-such@v1.0.0", code=3).err == "❌ No GTO tag 'no-such@v1.0.0' here\n"
    assert verify(r, "m@v0.0.1", "--all", code=2).err.endswith("TAG arguments cannot be combined with --all\n")


def test_verify_without_a_policy_checks_the_tag_form_only(tmp_path):
    r = GtoRepo(tmp_path)
    r.commit("init")
    r.tag("m@v0.0.1")
    r.git("tag", "m#prod#2")
    res = verify(r, "--all", code=1)
    assert res.err.startswith("warning: no HEAD:.gto-policy")
    assert [x[:2] for x in lines(res)] == [("ok", "m@v0.0.1"), ("FAIL", "m#prod#2")]


def test_check_ref_verify_is_the_ci_gate(repo, keys):
    r = repo
    promoted(r, keys)
    res = r.gto("check-ref", "m#prod#3", "--verify")
    assert res.out == '✅  Stage "prod" was assigned to version "v0.0.1" of artifact "m"\n'
    git_tag(r, "m#prod#5", "-a")
    res = r.gto("check-ref", "m#prod#5", "--verify", check=1)
    assert res.out == ""
    assert res.err == ("❌ The policy (HEAD:.gto-policy) refuses m#prod#5: stages.prod: unsigned; "
                       "needs a signature of release\n")
    assert r.gto("check-ref", "m#prod#5").code == 0  # without --verify: as before


# -- the pre-receive hook ---------------------------------------------------------------------


@pytest.fixture
def hooked(tmp_path, keys):
    """(a clone with signing set up, its bare origin with the hook)."""
    remote = remote_with_hook(tmp_path)
    r = GtoRepo(tmp_path)
    r.commit("init")
    setup_signing(r, keys)
    r.git("remote", "add", "origin", str(remote.path))
    return r, remote


def push(r, *refspecs, ok=True):
    res = r.run(["git", "push", "--porcelain", "origin", *refspecs], check=False)
    assert (res.code == 0) == ok, res
    return res


def test_pre_receive_hook(hooked, keys):
    r, remote = hooked
    # the first pushes, before the policy branch exists there: everything goes through
    push(r, "main")
    r.tag("early@v0.0.1")
    push(r, "refs/tags/early@v0.0.1")
    with_policy(r, keys)
    push(r, "main")
    # a clean history and good promotions
    tags = promoted(r, keys)
    push(r, *("refs/tags/" + t for t in tags))
    assert remote.tags() == sorted(["early@v0.0.1"] + tags)
    # a forged promotion: unsigned, or a replayed signature
    r.commit("two")
    push(r, "main")
    git_tag(r, "m@v0.0.2", "-a")
    res = push(r, "refs/tags/m@v0.0.2", ok=False)
    assert "FAIL m@v0.0.2 - register: unsigned; needs a signature of ml" in res.err
    r.git("update-ref", "refs/tags/m#prod#9", r.git("rev-parse", "m#prod#3").strip())
    res = push(r, "refs/tags/m#prod#9", ok=False)
    assert "tag name: the tag object is named 'm#prod#3'" in res.err
    # deleting or moving under immutable
    res = push(r, ":refs/tags/m#prod#3", ok=False)
    assert "FAIL m#prod#3 - immutable: the push deletes a GTO tag" in res.err
    res = push(r, "--force", "refs/tags/m#dev#1:refs/tags/m#staging#2", ok=False)
    assert "immutable: the push moves a GTO tag" in res.err
    assert remote.tags() == sorted(["early@v0.0.1"] + tags)
    # branches and non-GTO tags go through
    r.git("checkout", "-q", "-b", "feature")
    r.commit("three")
    r.tag("release-1")
    push(r, "feature", "refs/tags/release-1")
    # several incoming tags: the registration is checked with the promotion that relies on it
    before = set(r.tags())
    r.gto("register", "m", "--version", "v0.1.0", *as_(keys, "alice"))
    r.gto("assign", "m", "--version", "v0.1.0", "--stage", "dev", "--no-sign")
    r.gto("assign", "m", "--version", "v0.1.0", "--stage", "staging", *as_(keys, "bob"))
    new = sorted(set(r.tags()) - before)
    assert len(new) == 3
    push(r, *("refs/tags/" + t for t in new))
    assert set(new) <= set(remote.tags())


# -- gto 1.10.1 reads a governed registry the same ---------------------------------------------


@pytest.mark.slow
def test_a_registry_with_a_policy_reads_the_same_in_gto(tmp_path, keys, gto_bin):
    """.gto keeps GTO's keys; signed tags with newline-ended messages and the
    policy files change nothing for gto 1.10.1 (skipped without network)."""
    r = GtoRepo(tmp_path)
    r.commit("gto config", {".gto": "stages: [dev, staging, prod]\n"})
    setup_signing(r, keys)
    with_policy(r, keys)
    promoted(r, keys)
    r.commit("two")
    r.git("config", "tag.gpgSign", "true")
    r.gto("register", "m", "--bump-minor")
    assert (r.path / ".gto").read_text() == "stages: [dev, staging, prod]\n"
    compare(r, gto_bin)


def test_verify_stdin_directly(repo, keys):
    """The pre-receive mode without a server: lines on standard input."""
    r = repo
    tags = promoted(r, keys)
    zero = "0" * 40
    oid = r.git("rev-parse", "refs/tags/m#prod#3").strip()
    head = r.sha()
    lines_in = (f"{zero} {head} refs/heads/main\n"
                f"{zero} {head} refs/tags/release-1\n"
                f"{oid} {zero} refs/tags/m#prod#3\n")
    res = r.run(["git", "gto", "verify", "--stdin", "--json"], input=lines_in, check=False)
    assert res.code == 1, res
    data = json.loads(res.out)
    assert data["ok"] is False
    assert [(e["tag"], e["rule"], e["reason"]) for e in data["events"]] == [
        ("m#prod#3", "immutable", "the push deletes a GTO tag")]
    res = r.run(["git", "gto", "verify", "--stdin"], input=f"{zero} {head} refs/heads/main\n", check=False)
    assert (res.code, res.out) == (0, "")
    assert tags == ["m@v0.0.1", "m#dev#1", "m#staging#2", "m#prod#3"]
