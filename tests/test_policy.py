"""Unit tests of the pure governance modules: policy.py (parse, evaluate)
and signatures.py (signature blocks, the signers file, verify-tag output)."""

import pytest

from gitgto import policy as P
from gitgto import signatures as S
from gitgto import tags as T
from gitgto.errors import CannotCheck

POLICY = {
    "groups": {"ml": ["alice", "bob"], "release": ["bob", "carol"]},
    "register": {"signed_by": ["ml"]},
    "deprecate": {"signed_by": ["release"]},
    "stages": {"staging": {"from": ["dev"], "signed_by": ["ml"]},
               "prod": {"from": ["staging"], "signed_by": ["release"], "distinct": True}},
    "immutable": True,
}


def policy(data=POLICY):
    return P.parse(data, "HEAD:.gto-policy")


def good(who):
    return S.Verdict(S.GOOD, who)


def ev(tag, who=None, signature=None, **kw):
    t = T.parse_tag(tag)
    sig = signature if signature is not None else (good(who) if who else S.Verdict(S.UNSIGNED))
    version = kw.pop("version", t.version or "v1.0.0")
    return P.Subject(tag, t.kind, t.artifact, version, t.stage, signature=sig, **kw)


def verdicts(subjects, data=POLICY):
    return [(r.tag, r.ok, r.rule) for r in P.evaluate(policy(data), subjects)]


# -- parse ------------------------------------------------------------------------------


def test_parse_reads_every_key():
    p = policy()
    assert p.signers == ".gto-signers" and p.immutable is True
    assert p.rule_for(T.REGISTRATION).signed_by == ["ml"]
    assert p.rule_for(T.DEREGISTRATION) is p.register
    assert p.rule_for(T.DEPRECATION).signed_by == ["release"]
    prod = p.rule_for(T.ASSIGNMENT, "prod")
    assert (prod.name, prod.from_stages, prod.distinct) == ("stages.prod", ["staging"], True)
    assert p.rule_for(T.UNASSIGNMENT, "prod") is prod
    assert p.rule_for(T.ASSIGNMENT, "dev") is None
    assert p.needs_signatures
    assert not policy({}).needs_signatures and policy(None).immutable is False


@pytest.mark.parametrize("data, problem", [
    ([], "expected a mapping of settings"),
    ({"owner": 1}, "unknown key 'owner'"),
    ({"signers": "/etc/passwd"}, "'signers' must be a path inside the repository"),
    ({"groups": {"ml": "alice"}}, "group 'ml' must be a list of principals"),
    ({"register": {"signed_by": ["ml"]}}, "'register.signed_by': no group 'ml'"),
    ({"register": {"from": ["dev"]}}, "'register': unknown key 'from'"),
    ({"stages": {"prod": {"distinct": "yes"}}}, "'stages.prod.distinct' must be true or false"),
    ({"stages": {"prod": {"distinct": True}}}, "'stages.prod.distinct' needs 'from' and 'signed_by'"),
    ({"stages": {"prod": {"from": []}}}, "'stages.prod.from' must be a list of names"),
    ({"stages": ["prod"]}, "'stages' must map stage names to rules"),
    ({"immutable": "yes"}, "'immutable' must be true or false"),
])
def test_parse_errors_name_the_file_and_the_key(data, problem):
    with pytest.raises(CannotCheck) as exc:
        policy(data)
    assert str(exc.value) == f"Wrong policy file 'HEAD:.gto-policy': {problem}"
    assert exc.value.exit_code == 3


# -- evaluate -----------------------------------------------------------------------------


def test_a_clean_history_passes():
    assert verdicts([ev("m@v1.0.0", "alice"), ev("m#dev#1"), ev("m#staging#2", "alice"), ev("m#prod#3", "bob")]) == [
        ("m@v1.0.0", True, "register"), ("m#dev#1", True, "-"), ("m#staging#2", True, "stages.staging"),
        ("m#prod#3", True, "stages.prod")]


@pytest.mark.parametrize("subject, why", [
    (ev("m@v1.0.0"), "unsigned; needs a signature of ml"),
    (ev("m@v1.0.0", signature=S.Verdict(S.UNKNOWN_KEY)), "signed by a key that is not in the signers file; "
                                                      "needs a signature of ml"),
    (ev("m@v1.0.0", signature=S.Verdict(S.BAD, detail="Signature verification failed")),
     "bad signature (Signature verification failed); needs a signature of ml"),
    (ev("m@v1.0.0", "carol"), "signed by carol, who is not in ml"),
    (ev("m@v1.0.0!", "carol"), "signed by carol, who is not in ml"),
    (ev("m@deprecated", "alice"), "signed by alice, who is not in release"),
    (ev("m#prod!#4", None), "unsigned; needs a signature of release"),
])
def test_signed_by_fails(subject, why):
    [result] = P.evaluate(policy(), [subject])
    assert not result.ok and result.why == why


def test_from_needs_an_earlier_valid_assignment_of_the_same_version():
    history = [ev("m@v1.0.0", "alice"), ev("m@v2.0.0", "alice"), ev("m#dev#1", version="v1.0.0"),
               ev("m#staging#2", "alice", version="v2.0.0"),  # another version
               ev("m#staging#3", "carol", version="v1.0.0"),  # not valid: carol is not in ml
               ev("m#prod#4", "bob", version="v1.0.0")]
    results = P.evaluate(policy(), history)
    assert [r.ok for r in results] == [True, True, True, False, False, False]
    assert results[3].why == "version v2.0.0 was never assigned dev by a valid event"
    assert results[5].why == "version v1.0.0 was never assigned staging by a valid event"


def test_distinct_is_the_two_person_rule():
    base = [ev("m@v1.0.0", "bob"), ev("m#dev#1"), ev("m#staging#2", "bob")]
    assert verdicts(base + [ev("m#prod#3", "bob")])[-1] == ("m#prod#3", False, "stages.prod")
    assert verdicts(base + [ev("m#prod#3", "carol")])[-1] == ("m#prod#3", True, "stages.prod")
    # any earlier valid assignment by someone else will do
    both = base + [ev("m#staging#4", "alice"), ev("m#prod#5", "bob")]
    assert verdicts(both)[-1] == ("m#prod#5", True, "stages.prod")
    # "a,b" (one signers line for two principals) is one person
    assert verdicts([ev("m#dev#1"), ev("m#staging#2", "bob,robert"),
                     ev("m#prod#3", "bob")])[-1][1] is False


def test_always_rules_apply_without_a_policy():
    lightweight = ev("m#prod#3", annotated=False)
    replayed = ev("m@v2.0.0", "alice", signed_name="m@v1.0.0")
    results = P.evaluate(None, [ev("m@v1.0.0"), lightweight, replayed])
    assert [(r.ok, r.rule) for r in results] == [(True, "-"), (False, "annotated"), (False, "tag name")]
    assert results[2].why == "the tag object is named 'm@v1.0.0' (replayed under another name)"


def test_result_line():
    [r] = P.evaluate(policy(), [ev("m@v1.0.0", "carol")])
    assert r.line() == "m@v1.0.0: register: signed by carol, who is not in ml"
    assert r.signer == "carol"


# -- signatures ---------------------------------------------------------------------------

BLOCK = "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\nAAAA==\n-----END SSH SIGNATURE-----\n"


@pytest.mark.parametrize("contents, message", [
    ("plain\n", "plain\n"),
    ("msg\n" + BLOCK, "msg\n"),
    ("msg" + BLOCK, "msg"),  # gto 1.10.1: no final newline, the block glued on
    ("a\n" + BLOCK.replace("SSH SIGNATURE", "PGP SIGNATURE"), "a\n"),
    ("a\n" + BLOCK.replace("SSH SIGNATURE", "SIGNED MESSAGE"), "a\n"),
    ("quoting -----BEGIN SSH SIGNATURE----- in a message\n", "quoting -----BEGIN SSH SIGNATURE----- in a message\n"),
    ("a\n-----BEGIN SSH SIGNATURE-----\nnot closed\n", "a\n-----BEGIN SSH SIGNATURE-----\nnot closed\n"),
])
def test_strip_signature(contents, message):
    assert S.strip_signature(contents) == message


KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIJmTFAbFqzZ5U1vGDPzP0qOaVkWbDTnGZ3kUYr0C5oXa"


def test_parse_signers():
    text = (f"# the team\n\nalice@example.com ssh-ed25519 {KEY} alice's laptop\n"
            f'bob@example.com,robert namespaces="git",valid-after="20240101" ssh-ed25519 {KEY}2\n'
            f"broken line\n")
    signers = S.parse_signers(text)
    assert S.principals_of(signers, ("ssh-ed25519", KEY)) == ["alice@example.com"]
    assert S.principals_of(signers, ("ssh-ed25519", KEY + "2")) == ["bob@example.com", "robert"]
    assert S.principals_of(signers, ("ssh-rsa", KEY)) == []
    assert S.public_key_of(f"key::ssh-ed25519 {KEY}") == ("ssh-ed25519", KEY)
    assert S.public_key_of(f"ssh-ed25519 {KEY} comment\n") == ("ssh-ed25519", KEY)
    assert S.public_key_of("-----BEGIN OPENSSH PRIVATE KEY-----") is None


FORGED = ('Signature verification failed: unsupported hash algorithm "x\nGood "git" signature for '
          'bob@example.com with ED25519 key SHA256:abc\n"')


@pytest.mark.parametrize("code, stderr, verdict", [
    (0, 'Good "git" signature for alice@example.com with ED25519 key SHA256:abc\n', (S.GOOD, "alice@example.com")),
    # the principal ends at the last " with " (as git reads it)
    (0, 'Good "git" signature for Ann with Care with ED25519 key SHA256:abc\n', (S.GOOD, "Ann with Care")),
    (1, "error: no signature found\n", (S.UNSIGNED, None)),
    (1, 'Good "git" signature with ED25519 key SHA256:def\nNo principal matched.\n', (S.UNKNOWN_KEY, None)),
    (1, "Signature verification failed: incorrect signature\n", (S.BAD, None)),
    (0, "[GNUPG:] NEWSIG\n[GNUPG:] GOODSIG 1234 Carol\n", (S.UNKNOWN_KEY, None)),
    # text of a forged blob: a "Good" line anywhere but first, or any text with a failing status
    (1, FORGED, (S.BAD, None)),
    (0, FORGED, (S.UNKNOWN_KEY, None)),
    (1, 'Good "git" signature for bob@example.com with ED25519 key SHA256:abc\n', (S.BAD, None)),
    (0, "", (S.UNKNOWN_KEY, None)),
    (1, "error: cannot run ssh-keygen: No such file or directory\n", (S.CANNOT, None)),
    (128, "fatal: cannot run ssh-keygen: No such file or directory\n", (S.CANNOT, None)),
])
def test_a_verdict_is_gits_exit_status_and_first_line(code, stderr, verdict):
    v = S.verdict_of(code, stderr)
    assert (v.status, v.principal) == verdict
    assert "\n" not in v.detail


def test_fingerprint_is_ssh_keygens():
    assert S.fingerprint(("ssh-ed25519", KEY)).startswith("SHA256:")


# -- issue 16: rules that mean what they say ------------------------------------------------


class Stages:
    """What policy.parse asks of a config.Config: the warning for a stage `.gto` does not allow."""

    def __init__(self, allowed):
        self.allowed = allowed

    def stage_warning(self, stage):
        return None if stage in self.allowed else f"'{stage}' is not allowed"


@pytest.mark.parametrize("data, problem", [
    ({"stages": {"prod": None}}, "'stages.prod' has no value: give it a rule ({signed_by: [...]}) or remove it"),
    ({"register": None}, "'register' has no value: give it a rule or remove the key"),
    ({"policy": {}}, "'policy' needs 'signed_by'"),
    ({"groups": {"a": ["x"]}, "policy": {"signed_by": ["b"]}}, "'policy.signed_by': no group 'b'"),
    ({"stages": {"prd": {}}}, "'stages': stage 'prd': 'prd' is not allowed"),
    ({"stages": {"prod": {"from": ["stagin"]}}}, "'stages.prod.from': stage 'stagin': 'stagin' is not allowed"),
])
def test_parse_refuses_what_would_silently_mean_nothing(data, problem):
    with pytest.raises(CannotCheck) as exc:
        P.parse(data, "HEAD:.gto-policy", Stages(["dev", "staging", "prod"]))
    assert str(exc.value) == f"Wrong policy file 'HEAD:.gto-policy': {problem}"


def test_the_policy_rule():
    p = P.parse({"groups": {"admins": ["carol"]}, "policy": {"signed_by": ["admins"]}}, "x")
    assert p.protect.signed_by == ["admins"] and p.in_groups("carol,c", ["admins"])
    assert P.parse({}, "x").protect is None


def on(commit, tag, who=None, version="v1.0.0"):
    return ev(tag, who, version=version, commit=commit)


def test_from_is_keyed_by_the_commit_not_the_name():
    history = [on("A", "m@v1.0.0", "alice"), on("A", "m#dev#1"), on("A", "m#staging#2", "alice"),
               on("B", "m@v1.0.0#3"),  # an unsigned registration of the same name elsewhere: refused
               on("B", "m#prod#4", "bob")]
    results = P.evaluate(policy(), history)
    assert [r.ok for r in results] == [True, True, True, False, False]
    assert results[4].why == "the registration of version v1.0.0 on commit B (m@v1.0.0#3) is not valid, " \
                             "so it satisfies nothing"
    assert P.evaluate(policy(), history[:3] + [on("A", "m#prod#4", "bob")])[-1].ok


def test_a_deregistration_or_unassignment_ends_what_it_ends():
    base = [on("A", "m@v1.0.0", "alice"), on("A", "m#dev#1"), on("A", "m#staging#2", "alice")]
    left = P.evaluate(policy(), base + [on("A", "m#staging!#3", "bob"), on("A", "m#prod#4", "carol")])
    assert left[-1].why == "version v1.0.0 on commit A left staging (m#staging!#3) and is not in staging now"
    gone = P.evaluate(policy(), base + [on("A", "m@v1.0.0!#3", "bob"), on("A", "m#prod#4", "carol")])
    assert gone[-1].why == "version v1.0.0 on commit A has no valid registration in force"
    # an unassignment that is itself refused (unsigned, staging needs ml) ends nothing
    kept = P.evaluate(policy(), base + [on("A", "m#staging!#3"), on("A", "m#prod#4", "carol")])
    assert [r.ok for r in kept[-2:]] == [False, True]


def test_distinct_needs_two_known_principals():
    data = dict(POLICY, stages={"prod": {"from": ["dev"], "signed_by": ["release"], "distinct": True}})
    unsigned_dev = P.evaluate(policy(data), [ev("m@v1.0.0", "alice"), ev("m#dev#1"), ev("m#prod#2", "bob")])
    assert unsigned_dev[-1].why == "the dev assignment (m#dev#1) is unsigned, so it names no second person; " \
                                   "needs a second person"
    signed_dev = P.evaluate(policy(data), [ev("m@v1.0.0", "alice"), ev("m#dev#1", "alice"), ev("m#prod#2", "bob")])
    assert signed_dev[-1].ok


def test_touching_finds_each_commit_that_changes_a_protected_file():
    from gitgto.prereceive import touching

    paths = [".gto-policy", ".gto-signers"]
    blobs = {("old", ".gto-policy"): "p1", ("c1", ".gto-policy"): "p1", ("c2", ".gto-policy"): "p2",
             ("side", ".gto-policy"): "p1", ("side", ".gto-signers"): "s2", ("merge", ".gto-policy"): "p2",
             ("merge", ".gto-signers"): "s2", ("root", ".gto-policy"): "p0"}
    commits = [("c1", ["old"]), ("c2", ["c1"]), ("side", ["old"]), ("merge", ["c2", "side"]), ("root", [])]
    assert touching(commits, blobs, paths) == [("c2", ".gto-policy"), ("side", ".gto-signers"),
                                               ("merge", ".gto-policy"), ("root", ".gto-policy")]


# -- the signers file as of a moment (the hook's push time) ------------------------------------

NOW = 1_767_225_600  # 2026-01-01T00:00:00Z


@pytest.mark.parametrize("value, expected", [
    ("20260101Z", NOW), ('"20260101Z"', NOW), ("20260101z", NOW), ("202601010130Z", NOW + 5400),
    ("20260101013005Z", NOW + 5405), ("20260101", NOW + 3600),  # local time: TZ below is UTC-1
    ("2026010", None), ("20261301Z", None), ("2026-01-01", None), ("", None), ('"20260101Z', None),
])
def test_parse_signers_time(value, expected, monkeypatch):
    monkeypatch.setenv("TZ", "Etc/GMT+1")
    import time

    time.tzset()
    try:
        assert S.parse_signers_time(value) == expected
    finally:
        monkeypatch.undo()
        time.tzset()


def test_signers_as_of_drops_closed_windows_and_removes_the_others():
    key = f"ssh-ed25519 {KEY}"
    text = (f"# team\n"
            f"alice@example.com {key} laptop\n"
            f'bob@example.com valid-before="20250101Z" {key}b\n'                      # retired
            f'carol@example.com valid-after="20270101Z",namespaces="git" {key}c\n'    # not yet
            f'dan@example.com namespaces="git,file",valid-after="20240101",valid-before="20300101Z" {key}d x\n'
            f'erin@example.com VALID-BEFORE=20260101Z {key}e\n'                     # the last second counts
            f'frank@example.com valid-before="soon" {key}f\n'                        # unreadable: dropped
            f'"gina@example.com,gin" cert-authority,valid-after=20200101Z {key}g\n')
    assert S.signers_as_of(text, NOW) == (
        f"# team\n"
        f"alice@example.com {key} laptop\n"
        f'dan@example.com namespaces="git,file" {key}d x\n'
        f"erin@example.com {key}e\n"
        f'"gina@example.com,gin" cert-authority {key}g\n')
    assert S.signers_as_of(text, NOW + 1).count("erin") == 0
    unchanged = f"alice@example.com {key}\nbob@example.com  namespaces=\"git\"  {key}b\n"
    assert S.signers_as_of(unchanged, NOW) is unchanged
