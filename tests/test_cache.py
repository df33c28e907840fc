"""The registry cache (DECISIONS §9) never changes what a command prints.

The consistency test mutates one registry step by step and, after each step,
runs every whole-registry read twice with the cache (a miss that updates it,
then a hit) and compares both with GTO_NO_CACHE=1's output. Then the failure
modes: files that cannot be written or trusted, and the bypass cases."""

import json
import os
import subprocess

import pytest

from gitgto import cache

READS = [  # every whole-registry read the cache serves, with options that change its views
    ("show", "--json"),
    ("show", "-d", "--ro", "--vs", "-1", "--av", "1", "--sort", "semver", "--plain"),
    ("history", "--json", "--asc"),
    ("stages", "--used"),
]
SHOW = [("show", "--json")]
NO_CACHE = {"GTO_NO_CACHE": "1"}


def cache_files(repo, git_dir=".git"):
    top = repo.path / git_dir / cache.DIRECTORY
    return sorted(p.name for p in top.glob("registry-*")) if top.is_dir() else []


def outputs(repo, reads=READS, env=None, cwd=None):
    return [(r.code, r.out, r.err) for r in (repo.gto(*argv, check=False, env=env, cwd=cwd) for argv in reads)]


def assert_consistent(repo, step, reads=READS, env=None, cwd=None):
    expected = outputs(repo, reads, dict(env or {}, **NO_CACHE), cwd)
    for attempt in ("miss", "hit"):
        got = outputs(repo, reads, env, cwd)
        for argv, want, have in zip(reads, expected, got):
            assert have == want, f"after {step!r}, {attempt}: git gto {' '.join(argv)}"
    return expected


def test_cached_outputs_equal_uncached_after_every_change(repo):
    steps = []

    def step(name):
        steps.append(name)
        assert_consistent(repo, name)

    first = repo.commit("one", {"README": "1"})
    repo.tag("rf@v1.0.0")
    repo.tag("rf#prod#1")
    repo.tag("nn@v0.1.0")
    repo.tag("release-1")
    step("a few tags")
    assert cache_files(repo), "the cache is written"

    second = repo.commit("two")
    repo.gto("register", "rf")
    repo.gto("assign", "rf", "--version", "v1.0.1", "--stage", "dev")
    repo.gto("assign", "nn", "--version", "v0.1.0", "--stage", "prod")
    step("written by git gto")

    repo.git("tag", "-d", "rf#prod#1")
    step("a tag deleted")

    repo.tag("rf#prod#1", ref=second, message="re-created")
    step("the same name re-created on another commit")

    repo.git("tag", "-f", "-a", "-m", "moved", "rf#prod#1", first, when=repo.tick())
    step("a tag force-moved")

    repo.git("tag", "-d", "nn@v0.1.0")
    repo.tag("nn@v0.1.0", lightweight=True)
    step("an annotated tag rewritten as lightweight")

    repo.gto("deprecate", "nn")
    step("deprecated")

    repo.commit("annotations", {"artifacts.yaml": "ann:\n  type: model\n  path: a.pkl\nrf:\n  type: model\n"})
    step("artifacts.yaml committed")

    repo.commit("dvc", {"sub/dvc.yaml": "artifacts:\n  m:\n    path: m.pkl\n    type: model\n"})
    step("a dvc.yaml committed (a new HEAD revives nothing: nn has no version there)")

    repo.commit("edit", {"artifacts.yaml": "zz:\n  type: data\nann:\n  type: data\n  path: b.pkl\n"})
    step("artifacts.yaml edited")

    repo.write(".gto", "stages: [dev, prod, qa]\n")
    step(".gto in the work tree")
    repo.commit(".gto", {".gto": "stages: [prod, qa]\n"})
    step(".gto edited and committed")

    for env in ({"GTO_STAGES": '["dev"]'}, {"GTO_STAGES": '["prod", "dev"]'}):
        assert_consistent(repo, f"env {env}", SHOW, env=env)

    for n in range(cache.FULL_READ_ABOVE + 6):  # more than the per-artifact reads handle
        repo.git("tag", "-a", "-m", "bulk", f"bulk{n}@v1.0.0", when=repo.tick())
    step("many artifacts at once")

    repo.git("replace", second, first)
    step("a replace ref")
    assert len(steps) >= 12


def test_two_writers_race(repo):
    """Processes that miss at the same time write the same file: each
    renames a complete file over it, and every reader sees a whole one."""
    repo.commit("one")
    for n in range(20):
        repo.tag(f"m{n}@v1.0.0")
    assert_consistent(repo, "before")
    repo.tag("m1#prod#1")
    procs = [subprocess.Popen(["git", "gto", *argv], cwd=repo.path, env=repo.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for argv in [("show", "--json")] * 4 + [("history",)] * 2]
    results = [p.communicate() + (p.returncode,) for p in procs]
    expected = outputs(repo, [("show", "--json"), ("history",)], NO_CACHE)
    for (out, err, code), argv in zip(results, [0] * 4 + [1] * 2):
        assert (code, out, err) == expected[argv]
    assert_consistent(repo, "after the race")
    assert not [p for p in (repo.path / ".git" / "gto").iterdir() if p.name.startswith(".tmp-")]


def test_linked_worktrees_share_the_cache(repo):
    repo.commit("one")
    repo.tag("rf@v1.0.0")
    repo.git("worktree", "add", "-q", "-b", "other", str(repo.path.parent / "wt"))
    other = repo.path.parent / "wt"
    (other / "artifacts.yaml").write_text("only-there:\n  type: model\n")
    repo.git("add", "artifacts.yaml", cwd=other)
    repo.git("commit", "-q", "-m", "ann", cwd=other, when=repo.tick())
    main_out = assert_consistent(repo, "main")
    other_out = assert_consistent(repo, "worktree", cwd=other)
    assert main_out != other_out  # the worktree's HEAD has an annotation
    assert not (other / ".git").is_dir() and cache_files(repo)
    assert outputs(repo) == main_out and outputs(repo, cwd=other) == other_out


# -- failure modes ------------------------------------------------------------------


@pytest.fixture
def registry(repo):
    repo.commit("one", {"artifacts.yaml": "ann:\n  type: model\n"})
    repo.tag("rf@v1.0.0")
    repo.tag("rf#prod#1")
    return repo


def test_cache_directory_that_cannot_be_written(registry):
    (registry.path / ".git" / "gto").write_text("not a directory")
    assert_consistent(registry, "gto is a file", SHOW)
    assert (registry.path / ".git" / "gto").read_text() == "not a directory"


def test_someone_elses_git_directory_is_left_alone(registry):
    git_dir = registry.path / ".git"
    owner = os.stat(git_dir).st_uid
    os.chown(git_dir, owner + 4242, -1)
    try:
        assert_consistent(registry, "foreign .git", SHOW)
        assert not (git_dir / "gto").exists()
    finally:
        os.chown(git_dir, owner, -1)


def with_meta(change):
    """Damage the JSON line of a cache file."""
    def damage(data):
        magic, meta, listing = data.split(b"\n", 2)
        return b"\n".join([magic, json.dumps(change(json.loads(meta))).encode(), listing])
    return damage


@pytest.mark.parametrize("damage", [
    lambda data: b"",
    lambda data: data[: len(data) // 2],
    lambda data: b"\0\1garbage",
    lambda data: data.replace(b"cache %d\n" % cache.FORMAT, b"cache %d\n" % (cache.FORMAT + 1), 1),
    lambda data: data.split(b"\n", 1)[0] + b"\n" + b"[" * 100000 + b"\n",
    with_meta(lambda meta: dict(meta, entries="nope")),
    with_meta(lambda meta: dict(meta, entries=[[1, 2]])),
    with_meta(lambda meta: dict(meta, entries=[[None] * 6])),
    with_meta(lambda meta: [1, 2, 3]),
    with_meta(lambda meta: {k: v for k, v in meta.items() if k != "head"}),
], ids=["empty", "truncated", "binary", "other-format", "deep", "entries-string", "short-entry", "null-entry",
        "list", "no-head"])
def test_a_damaged_cache_file_is_a_miss(registry, damage):
    assert_consistent(registry, "first", SHOW)
    files = [p for p in (registry.path / ".git" / "gto").iterdir() if p.name.startswith("registry-")]
    assert files
    for path in files:
        path.write_bytes(damage(path.read_bytes()))
    registry.tag("nn@v1.0.0")  # a stale listing would hide this tag
    assert_consistent(registry, "damaged", SHOW)


def test_stale_state_under_the_current_key_is_never_trusted_for_other_inputs(registry):
    """The listing digest is part of the key: a file from before a change is a miss."""
    before = registry.gto("show", "--json").out
    registry.tag("rf@v2.0.0")
    after = registry.gto("show", "--json").out
    assert before != after and '"v2.0.0"' in after


def test_no_cache_env_bypasses(registry):
    registry.gto("show", env=NO_CACHE)
    registry.gto("history", env=NO_CACHE)
    assert cache_files(registry) == []
    registry.gto("show")
    assert len(cache_files(registry)) == 1


@pytest.mark.parametrize("flag", ["-a", "-A"])
def test_other_branches_bypass(registry, flag):
    registry.gto("show", flag)
    assert cache_files(registry) == []


def test_shallow_clone_bypasses(registry, tmp_path):
    registry.commit("two")
    clone = tmp_path / "shallow"
    registry.git("clone", "-q", "--depth", "1", f"file://{registry.path}", str(clone))
    res = registry.gto("show", cwd=clone)
    assert "shallow" in res.err
    assert not list(clone.glob(".git/gto/registry-*"))


def test_remote_url_bypasses(registry):
    res = registry.gto("show", "--json", "-r", f"file://{registry.path}", cwd=registry.path.parent)
    assert json.loads(res.out)["rf"]["version"] == "v1.0.0"
    assert cache_files(registry) == []


def test_an_unchanged_annotation_file_is_parsed_once(registry):
    """Its parsed entries are stored by blob id: a second read needs no YAML."""
    profile = {"PYTHONPROFILEIMPORTTIME": "1"}

    def imports_yaml(*argv, env=None):
        res = registry.gto(*argv, env=dict(profile, **(env or {})))
        return any(line.rsplit("|", 1)[-1].strip() == "yaml" for line in res.err_lines)

    assert imports_yaml("show", "rf")
    assert not imports_yaml("show", "rf")
    assert not imports_yaml("show")
    imports_yaml("describe", "ann")  # the work-tree file (same blob id, another name)
    assert not imports_yaml("describe", "ann")
    registry.commit("edit", {"artifacts.yaml": "ann:\n  type: data\n"})
    assert imports_yaml("show", "rf")  # a new blob: parsed again
    assert imports_yaml("show", "rf", env=NO_CACHE)


def test_registry_order_is_the_appearance_key_order():
    """The cache sorts artifacts it did not rebuild by appearance_key: it
    must be the order in which build() creates them."""
    import random

    from gitgto import registry as reg
    from gitgto.records import TagRecord

    rng = random.Random(7)
    for _ in range(30):
        records = []
        for n in range(rng.randint(1, 30)):
            art = f"a{rng.randint(0, 8)}"
            name = rng.choice([f"{art}@v{n}.0.0", f"{art}#s{n % 3}#{n + 1}", f"{art}@deprecated#{n + 1}",
                               f"{art}@v{n}.0.0!#{n + 1}"])
            record = TagRecord(name, True, f"o{n}", f"c{rng.randint(0, 3)}", timestamp=rng.randint(0, 20))
            records.append(record)
        registry = reg.build(records)
        keys = [reg.appearance_key(a) for a in registry.artifacts.values()]
        assert keys == sorted(keys)


def test_doctor_suggests_packing_thousands_of_loose_tags(repo):
    from gitgto.commands.doctor import LOOSE_TAGS

    sha = repo.commit("one")
    repo.tag("rf@v1.0.0")
    assert "pack-refs" not in repo.gto("doctor").out
    lines = "".join(f"create refs/tags/build-{n} {sha}\n" for n in range(LOOSE_TAGS))
    repo.git("update-ref", "--stdin", input=lines)
    res = repo.gto("doctor")  # a hint, not a problem: exit 0
    assert "git pack-refs --all" in res.out and "No issues found" in res.out
    repo.git("pack-refs", "--all")
    assert "pack-refs" not in repo.gto("doctor").out


@pytest.mark.parametrize("old,new,changed", [
    (b"a refs/tags/rf@v1.0.0\n", b"a refs/tags/rf@v1.0.0\n", set()),
    (b"a refs/tags/rf@v1.0.0\n", b"b refs/tags/rf@v1.0.0\n", {"rf"}),  # force-moved or rewritten
    (b"a refs/tags/rf@v1.0.0\n", b"", {"rf"}),  # deleted
    (b"", b"a refs/tags/d/x=rf#prod#1\nc refs/tags/nn@v1.0.0\n", {"d/x=rf", "nn"}),
    (b"", b"a refs/tags/release-1\nb refs/tags/v1.2.3\n", {"release-1"}),  # `v1.2.3` cannot be an artifact
    (b"", b"a refs/tags/bad..name@v1\n", set()),
    (b"", b"a refs/replace/" + b"1" * 40 + b"\n", None),  # may change any object: read everything
])
def test_changed_prefixes(old, new, changed):
    assert cache._changed_prefixes(new, memoryview(old)) == changed


@pytest.mark.parametrize("block", [1, 3, 64, 1 << 16])
def test_only_the_differing_lines_are_compared_and_none_is_missed(monkeypatch, block):
    """Listings edited at random (lines added, deleted, moved to another
    object, at the ends too): the lines between the common first and last
    lines, whatever the block size, hold every difference."""
    import random

    monkeypatch.setattr(cache, "_BLOCK", block)
    rng = random.Random(block)
    for _ in range(150):
        old = [f"{rng.choice('abc') * 3} refs/tags/a{i:03}@v1.0.0\n".encode() for i in range(rng.randint(0, 30))]
        new = list(old)
        for _ in range(rng.randint(1, 3)):
            where = rng.randint(0, len(new))
            edit = rng.choice(["add", "delete", "move"]) if new and where < len(new) else "add"
            if edit == "add":
                new.insert(where, f"ddd refs/tags/b{rng.randint(0, 99):02}#prod\n".encode())
            elif edit == "delete":
                del new[where]
            else:
                new[where] = b"eee" + new[where][3:]
        a, b = b"".join(new), b"".join(old)
        mid_new, mid_old = cache._differing_lines(memoryview(a), memoryview(b))
        assert set(mid_new.split(b"\n")) ^ set(mid_old.split(b"\n")) == set(a.split(b"\n")) ^ set(b.split(b"\n"))
        assert mid_new in a and mid_old in b
        assert not mid_new or mid_new.endswith(b"\n") or a.endswith(mid_new)  # whole lines


@pytest.mark.parametrize("listing,prefix,lines", [
    (b"", b"refs/tags/", b""),
    (b"1 refs/heads/main\n2 refs/replace/x\n3 refs/tags/a\n4 refs/tags/b\n", b"refs/tags/", b"3 refs/tags/a\n4 refs/tags/b\n"),
    (b"1 refs/heads/main\n2 refs/replace/x\n3 refs/tags/a\n", b"refs/replace/", b"2 refs/replace/x\n"),
    (b"3 refs/tags/a\n4 refs/tags/b", b"refs/tags/", b"3 refs/tags/a\n4 refs/tags/b"),
    (b"1 refs/heads/main\n", b"refs/tags/", b""),
])
def test_lines_under(listing, prefix, lines):
    from gitgto.records import lines_under

    assert bytes(lines_under(bytearray(listing), prefix)) == lines


def test_the_cache_keeps_a_bounded_number_of_files(registry):
    for n in range(cache.VIEW_FILES_KEPT + 3):
        registry.gto("show", "--vs", str(n + 2))
    assert len(cache_files(registry)) == cache.VIEW_FILES_KEPT
    for n in range(cache.ANNOTATION_FILES_KEPT + 2):
        registry.commit(f"edit {n}", {"artifacts.yaml": f"ann:\n  type: t{n}\n"})
        registry.gto("show", "rf")
    assert len(list((registry.path / ".git" / "gto" / "annotations").iterdir())) == cache.ANNOTATION_FILES_KEPT
