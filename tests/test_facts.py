"""Facts on a version (`--meta KEY=VALUE`, `--description TEXT`): git trailers
at the end of the tag message, validated before git sees them, read back by
show / describe / history and by plain git."""

import json

import pytest

from gitgto import facts
from gitgto.facts import FactError
from gtorepo import GtoRepo
from signing import make_keys, needs_ssh_keygen, setup_signing

# -- the pure layer -------------------------------------------------------------


def test_trailers_round_trip_through_gto_default_message():
    message = facts.with_trailers("Registering artifact m version v0.0.1",
                                  [("accuracy", "0.93"), ("data-set", "s3://b/x"), ("description", "a b: c")])
    assert message == ("Registering artifact m version v0.0.1\n\n"
                       "Accuracy: 0.93\nData-Set: s3://b/x\nDescription: a b: c\n")
    # read back as git-gto reads a message (git.tag_message strips it)
    assert facts.parse(message.strip()) == ({"accuracy": "0.93", "data-set": "s3://b/x"}, "a b: c")


@pytest.mark.parametrize("message", [
    "Fixed: the bug",                      # a one-paragraph message: the subject, never facts
    "Subject\n\nFixed: a\nthen some prose",  # not every line of the last paragraph is a trailer
    "Subject\n\nbad key: x",               # a key outside the grammar
    "Subject\n\nKey:no-space",
    "",
])
def test_text_written_for_people_is_not_read_as_facts(message):
    assert facts.parse(message) == ({}, None)


def test_keys_are_case_insensitive_and_the_last_one_wins():
    assert facts.parse("s\n\nAccuracy: 1\nACCURACY: 2") == ({"accuracy": "2"}, None)


@pytest.mark.parametrize("arg, error", [
    ("novalue", "expected KEY=VALUE"),
    ("=x", "Invalid --meta key ''"),
    ("1abc=x", "Invalid --meta key '1abc'"),
    ("a_b=x", "Invalid --meta key 'a_b'"),
    ("ab-=x", "Invalid --meta key 'ab-'"),
    ("k" * 65 + "=x", "Invalid --meta key"),
    ("a=", "it is empty"),
    ("a= x", "no blanks at either end"),
    ("a=x\ny", "one line of printable text only"),
    ("a=" + "x" * 1001, "longer than 1000"),
    ("Description=x", "Use --description"),
])
def test_meta_grammar(arg, error):
    with pytest.raises(FactError, match=error.replace("(", r"\(")):
        facts.parse_meta_arg(arg)


def test_meta_accepts_the_grammar():
    assert facts.parse_meta_arg("Data-Set2=s3://x=y z") == ("data-set2", "s3://x=y z")
    assert facts.parse_meta_arg("k" * 64 + "=v")[0] == "k" * 64


def test_a_key_given_twice_is_an_error():
    with pytest.raises(FactError, match="--meta a is given twice"):
        facts.collect([("a", "1"), ("a", "2")])


# -- the command line -----------------------------------------------------------


@pytest.fixture
def r(tmp_path):
    r = GtoRepo(tmp_path)
    r.commit("init")
    return r


def test_register_writes_trailers_plain_git_reads(r):
    r.gto("register", "m", "--meta", "accuracy=0.93", "--meta", "Data-Set=s3://b", "--description", "first")
    body = r.git("cat-file", "tag", "m@v0.0.1").split("\n\n", 1)[1]
    assert body == "Registering artifact m version v0.0.1\n\nAccuracy: 0.93\nData-Set: s3://b\nDescription: first\n"
    # (one %(trailers) atom a call: git 2.39 mixes the keys of several)
    for key, value in (("accuracy", "0.93"), ("Data-Set", "s3://b"), ("description", "first")):
        out = r.git("for-each-ref", f"--format=%(trailers:key={key},valueonly)", "refs/tags/m@v0.0.1")
        assert out.strip() == value


def test_user_message_keeps_its_text_and_gains_trailers(r):
    r.gto("register", "m", "-m", "trained on\n\nthe big set", "--meta", "a=1")
    history = json.loads(r.gto("history", "m", "--json").out)
    assert history[0]["message"] == "trained on\n\nthe big set\n\nA: 1"
    assert (history[0]["meta"], history[0]["description"]) == ({"a": "1"}, None)


def test_bad_facts_are_usage_errors_and_nothing_is_written(r):
    for args in (["--meta", "bad key=1"], ["--meta", "a="], ["--description", "two\nlines"]):
        res = r.gto("register", "m", *args, check=2)
        assert "git gto register: error: argument" in res.err and "Traceback" not in res.err
    res = r.gto("register", "m", "--meta", "a=1", "--meta", "A=2", check=1)
    assert res.err.strip() == "❌ --meta a is given twice"
    assert r.git("tag").strip() == ""


def test_every_write_takes_facts(r):
    r.gto("register", "m")
    r.gto("assign", "m", "--stage", "prod", "--meta", "approved-by=bob")
    r.gto("unassign", "m", "v0.0.1", "prod", "--meta", "reason=rollback")
    r.gto("deregister", "m", "v0.0.1", "--description", "broken")
    r.gto("deprecate", "m", "--meta", "reason=retired")
    history = {e["ref"]: (e["meta"], e["description"]) for e in json.loads(r.gto("history", "--json").out)}
    assert history == {"m@v0.0.1": ({}, None), "m#prod#1": ({"approved-by": "bob"}, None),
                       "m#prod!#2": ({"reason": "rollback"}, None), "m@v0.0.1!": ({}, "broken"),
                       "m@deprecated": ({"reason": "retired"}, None)}


def test_dry_run_writes_nothing(r):
    r.gto("register", "m", "--meta", "a=1", "--dry-run")
    assert r.git("tag").strip() == ""


def test_show_gains_fact_columns_only_when_there_are_facts(r):
    r.gto("register", "m")
    assert r.gto("show", "m", "--plain").lines[0] == "artifact\tversion\tstage\tcreated_at\tref"
    r.commit("2")
    r.gto("register", "m", "--meta", "accuracy=0.9", "--description", "second")
    r.gto("assign", "m", "--stage", "prod", "--meta", "approved-by=bob", "--meta", "accuracy=0.91")
    lines = r.gto("show", "m", "--plain").lines
    assert lines[0].split("\t")[5:] == ["meta", "description"]
    assert lines[1].split("\t")[5:] == ["accuracy=0.91, approved-by=bob", "second"]  # the later tag wins
    assert lines[2].split("\t")[5:] == ["-", "-"]
    picked = r.gto("show", "m", "--plain", "--meta", "Approved-By", "--meta", "description").lines
    assert picked[0].split("\t")[5:] == ["approved-by", "description"]
    assert picked[1].split("\t")[5:] == ["bob", "second"]


def test_show_json_and_history_json_carry_meta_and_description_after_gto_keys(r):
    r.gto("register", "m", "--meta", "accuracy=0.9", "--description", "first")
    r.gto("assign", "m", "--stage", "prod", "--meta", "approved-by=bob")
    version = json.loads(r.gto("show", "m", "--json").out)[0]
    assert list(version)[-2:] == ["meta", "description"]
    assert version["meta"] == {"accuracy": "0.9", "approved-by": "bob"} and version["description"] == "first"
    events = json.loads(r.gto("history", "--json").out)
    assert [list(e)[-2:] for e in events] == [["meta", "description"]] * 2
    assert events[0]["meta"] == {"approved-by": "bob"} and events[0]["description"] is None
    r.commit("2")
    r.gto("register", "m")
    plain = json.loads(r.gto("show", "m", "--json").out)[0]
    assert plain["version"] == "v0.0.2" and plain["meta"] == {} and plain["description"] is None


def test_describe_prints_the_facts_of_a_version(r):
    r.commit("annotated", files={"artifacts.yaml": "m:\n  type: model\n  path: model.pkl\n"})
    r.gto("register", "m", "--meta", "accuracy=0.9", "--description", "the first")
    out = json.loads(r.gto("describe", "m@v0.0.1").out)
    assert out == {"type": "model", "path": "model.pkl", "version": "v0.0.1", "meta": {"accuracy": "0.9"},
                   "version_description": "the first"}
    assert json.loads(r.gto("describe", "m").out) == {"type": "model", "path": "model.pkl"}


@needs_ssh_keygen
def test_signed_tags_sign_the_facts(tmp_path, r):
    setup_signing(r, make_keys(tmp_path / "keys"))
    r.gto("register", "m", "--sign", "--meta", "accuracy=0.9")
    assert "Good \"git\" signature" in r.run(["git", "verify-tag", "m@v0.0.1"]).err
    raw = r.git("cat-file", "tag", "m@v0.0.1")
    assert raw.index("Accuracy: 0.9") < raw.index("-----BEGIN SSH SIGNATURE-----")
    version = json.loads(r.gto("show", "m", "--json").out)[0]
    assert version["meta"] == {"accuracy": "0.9"}
