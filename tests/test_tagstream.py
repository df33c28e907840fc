"""A whole read of the tags (a refs listing and one streamed cat-file,
gitgto/tagstream.py) gives the records for-each-ref gives, field for field,
however git's output is cut into chunks; anything it does not vouch for
(a missing object, a malformed tag) is read by for-each-ref instead."""

import os
import subprocess

import pytest

from gitgto import git as G
from gitgto.records import TagRecord
from gitgto.tagstream import TagObjectStream, Unexpected, listed_tags
from gtorepo import GtoRepo

SLOTS = [s for s in TagRecord.__slots__ if s != "parsed"]
FAKE_SIGNATURE = "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"


def fields_of(records):
    return [tuple(getattr(r, s) for s in SLOTS) for r in records]


def raw_tag(repo, name, text):
    """A tag object written as is (no fsck), and a ref to it."""
    oid = repo.run(["git", "hash-object", "-t", "tag", "-w", "--literally", "--stdin"], input=text).out.strip()
    repo.git("update-ref", "refs/tags/" + name, oid)
    return oid


@pytest.fixture(scope="module")
def odd_repo(tmp_path_factory):
    """Every kind of tag a registry meets, and some it should not."""
    repo = GtoRepo(tmp_path_factory.mktemp("tagstream"))
    first = repo.commit("one", {"model.pkl": "1"})
    repo.tag("rf@v1.0.0")
    repo.tag("rf#prod#1", message="Assigning stage 'prod'\n\nobject " + "0" * 40 + "\ntype commit\n")
    repo.tag("lightweight-on-a-commit", lightweight=True)
    blob = repo.run(["git", "hash-object", "-w", "--stdin"], input="x" * 300_000).out.strip()
    repo.git("tag", "big-blob", blob)  # lightweight, on a blob bigger than any chunk
    repo.git("tag", "-a", "-m", "on a tree", "tree-tag", "HEAD^{tree}")
    repo.git("tag", "-a", "-m", "a tag of a tag", "tag-of-tag", "rf@v1.0.0")
    repo.git("tag", "-a", "--cleanup=verbatim", "-m", "", "no-message", first)
    repo.run(["git", "tag", "-a", "-F", "-", "ünïcode@v1.0.0"], input="Ünïcode message\n\nbody\n")
    tagger = "Test Committer <committer@example.invalid> 1700000100 +0530"
    raw_tag(repo, "signed@v1.0.0", f"object {first}\ntype commit\ntag signed@v1.0.0\ntagger {tagger}\n\n"
                                   f"Registering\n{FAKE_SIGNATURE}")
    raw_tag(repo, "no-tagger@v1.0.0", f"object {first}\ntype commit\ntag no-tagger@v1.0.0\n\nold\n")
    raw_tag(repo, "no-newline@v1.0.0", f"object {first}\ntype commit\ntag no-newline@v1.0.0\ntagger {tagger}")
    raw_tag(repo, "pre-1970@v1.0.0", f"object {first}\ntype commit\ntag pre-1970@v1.0.0\n"
                                     f"tagger A <a@b> 18446744073709546616 +0000\n\nold\n")
    raw_tag(repo, "odd-zone@v1.0.0", f"object {first}\ntype commit\ntag odd-zone@v1.0.0\n"
                                     f"tagger A <a@b> 1700000000 x0100\n\nodd\n")
    raw_tag(repo, "two-brackets@v1.0.0", f"object {first}\ntype commit\ntag two-brackets@v1.0.0\n"
                                         f"tagger A <a@b> x> 1700000000 +0100\n\nodd\n")
    repo.commit("two")
    repo.tag("rf@v1.1.0")
    return repo


@pytest.fixture
def in_repo(odd_repo, monkeypatch):
    for key in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(key)
    for key, value in odd_repo.env.items():
        monkeypatch.setenv(key, value)
    return odd_repo


@pytest.mark.parametrize("fields", ["state", "full"])
def test_whole_read_gives_for_each_refs_records(in_repo, fields):
    repo = G.Repo(str(in_repo.path))
    streamed = repo.read_tags(None, fields)
    assert repo.calls == ["rev-parse", "show-ref", "cat-file"]
    listed = G.Repo(str(in_repo.path)).read_tags(["refs/tags"], fields)
    assert len(streamed) == 15
    assert fields_of(streamed) == fields_of(listed)
    by_name = {r.name: r for r in streamed}
    assert by_name["big-blob"].commit is None and not by_name["big-blob"].annotated
    assert by_name["tag-of-tag"].annotated and by_name["tag-of-tag"].commit is None
    assert (by_name["pre-1970@v1.0.0"].timestamp, by_name["no-tagger@v1.0.0"].timestamp) == (-5000, 0)
    if fields == "full":
        assert by_name["signed@v1.0.0"].message == "Registering"
        assert by_name["ünïcode@v1.0.0"].message == "Ünïcode message\n\nbody"
        assert by_name["rf#prod#1"].message.endswith("type commit")  # a message that looks like headers


@pytest.mark.parametrize("chunk", [1, 7, 4096, 1 << 20])
def test_records_do_not_depend_on_where_the_output_is_cut(in_repo, chunk):
    listing = in_repo.git("show-ref", "--tags").encode("utf-8", "surrogateescape")
    tags = listed_tags(listing)
    out = subprocess.run(["git", "cat-file", "--batch"], input="".join(o + "\n" for o, _ in tags).encode(),
                         cwd=in_repo.path, capture_output=True, check=True).stdout
    stream = TagObjectStream(tags, "full", parse=lambda record: record.name.upper())
    for start in range(0, len(out), chunk):
        stream.write(out[start:start + chunk])
    records = stream.finish()
    assert [r.name for r in records] == [name for _, name in tags]
    assert [r.parsed for r in records] == [name.upper() for _, name in tags]
    assert fields_of(records) == fields_of(G.Repo(str(in_repo.path)).read_tags(["refs/tags"], "full"))


def test_a_listing_taken_once_serves_one_whole_read(in_repo):
    repo = G.Repo(str(in_repo.path))
    repo.ref_listing()
    repo.read_tags(None, "state")  # the cache's miss: the listing it was keyed by, not a second one
    repo.read_tags(None, "state")  # a later read lists again
    assert repo.calls == ["rev-parse", "show-ref", "cat-file", "show-ref", "cat-file"]


OID = "1" * 40


@pytest.mark.parametrize("output,why", [
    (f"{OID} missing\n".encode(), "missing"),
    (f"{OID} tag 4\nabcd\n".encode(), "no object and type headers"),
    (b"", "ended early"),
    (f"{OID} commit 3\nabc\n{OID} commit 3\nabc\n".encode(), "more objects than refs"),
])
def test_output_it_does_not_vouch_for_is_unexpected(output, why):
    stream = TagObjectStream([(OID, "t")])
    stream.write(output)
    with pytest.raises(Unexpected, match=why):
        stream.finish()


def test_a_ref_to_a_missing_object_reads_as_for_each_ref_does(in_repo, tmp_path, monkeypatch):
    broken = in_repo.copy(tmp_path, "broken")
    (broken.path / ".git" / "refs" / "tags" / "ghost").write_text("2" * 40 + "\n")
    for key, value in broken.env.items():
        monkeypatch.setenv(key, value)

    def outcome(patterns):
        try:
            return fields_of(G.Repo(str(broken.path)).read_tags(patterns, "state"))
        except G.GitError as exc:
            return str(exc)

    assert outcome(None) == outcome(["refs/tags"])
    assert "ghost" in outcome(None)  # for-each-ref's answer: git names the broken ref
