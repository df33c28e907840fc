"""The shape of the work, not its speed: every read command reads tags once,
with one `git for-each-ref` of per-artifact patterns when it is about one
artifact, else with one refs listing and one streamed `git cat-file` of the
objects (gitgto/tagstream.py); and light commands do not import heavy
modules (reference §10.1, §11)."""

import pytest

import gitgto.cli
import gitgto.git
import gitgto.tags


@pytest.fixture
def registry_repo(repo):
    repo.commit("one", {"artifacts.yaml": "rf: {type: model, path: rf.pkl}\n"})
    repo.tag("rf@v1.0.0")
    repo.tag("rf#prod#1")
    repo.tag("nn@v1.0.0")
    repo.tag("rf2@v1.0.0")
    repo.tag("v1.0.0")
    repo.commit("two")
    repo.tag("rf@v1.1.0")
    return repo


@pytest.fixture
def in_process(registry_repo, monkeypatch, capsys):
    """Run a command in this process, inside the repo, recording every git call."""
    for key in [k for k in list(__import__("os").environ) if k.startswith(("GIT_", "GTO_"))]:
        monkeypatch.delenv(key)
    for key, value in registry_repo.env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(registry_repo.path)
    calls = []
    original = gitgto.git.Repo._run

    def recording_run(self, *args, **kwargs):
        calls.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(gitgto.git.Repo, "_run", recording_run)

    def run(command, *argv):
        calls.clear()
        capsys.readouterr()
        code = gitgto.cli.main(command, list(argv))
        out = capsys.readouterr().out
        assert code == 0, (command, argv, out)
        return tag_reads(calls), out

    return run


def tag_reads(calls):
    """The git calls that read tags: "listing" (show-ref), "objects" (the
    whole read's cat-file; cat-file without --buffer reads a few commits
    and files) and each for-each-ref's patterns."""
    reads = []
    for call in calls:
        if call[0] == "for-each-ref":
            reads.append(list(call[call.index("--") + 1:]))
        elif call[0] == "show-ref":
            reads.append("listing")
        elif call[0] == "cat-file" and "--buffer" in call:
            reads.append("objects")
    return reads


ALL = ["listing", "objects"]
RF = [["refs/tags/rf@*", "refs/tags/rf#*", "refs/tags/rf#*/**"]]


@pytest.mark.parametrize("command,argv,patterns", [
    ("show", [], ALL),
    ("show", ["--json"], ALL),
    ("show", ["-d", "--vs", "-1", "--av", "1", "--sort", "semver"], ALL),
    ("show", ["-A"], ALL),
    ("show", ["rf"], RF),
    ("show", ["rf", "--json"], RF),
    ("show", ["rf@latest", "--ref"], RF),
    ("show", ["rf#prod", "--version"], RF),
    ("show", ["rf@v1.0.0"], RF),
    ("history", [], ALL),
    ("history", ["--json"], ALL),
    ("history", ["rf"], RF),
    ("check-ref", ["rf#prod#1"], RF),
    ("check-ref", ["refs/tags/rf@v1.0.0", "--json"], RF),
    ("stages", [], ALL),
    ("stages", ["--used"], ALL),
    ("doctor", [], ALL),
    ("describe", ["rf@latest"], RF),
    ("describe", ["rf#prod", "--path"], RF),
])
def test_one_tag_read(in_process, monkeypatch, command, argv, patterns):
    monkeypatch.setenv("GTO_NO_CACHE", "1")  # the cache's own shape is tested below
    calls, out = in_process(command, *argv)
    assert calls == patterns
    assert out  # the command did its job




@pytest.mark.parametrize("command,argv", [("show", []), ("show", ["--json"]), ("history", []),
                                          ("history", ["--json"]), ("stages", ["--used"])])
def test_cache_hit_opens_no_tag_object(in_process, registry_repo, command, argv):
    """Cold: the refs-only listing (show-ref), then the objects it names (no
    second listing). Warm: the listing alone. One new tag: the listing, then
    that artifact's refs."""
    calls, cold = in_process(command, *argv)
    assert calls == ["listing", "objects"]
    calls, warm = in_process(command, *argv)
    assert calls == ["listing"] and warm == cold
    registry_repo.tag("nn@v1.1.0")
    calls, _ = in_process(command, *argv)
    assert calls == ["listing", gitgto.tags.ref_patterns("nn")]


def test_cache_hit_runs_no_cat_file(in_process, registry_repo, monkeypatch):
    in_process("show")
    seen = []
    original = gitgto.git.Repo._run
    monkeypatch.setattr(gitgto.git.Repo, "_run", lambda self, *a, **k: seen.append(a[0]) or original(self, *a, **k))
    in_process("show")
    assert seen == ["rev-parse", "show-ref"], seen


def test_one_new_tag_reads_that_artifact_alone(in_process, registry_repo, monkeypatch):
    """A cache one tag behind: the listing, then the artifact's refs. HEAD
    has not moved, so its annotation files are the cache's (no ls-tree),
    parsed before (no cat-file)."""
    in_process("show")
    registry_repo.tag("nn@v1.1.0")
    seen = []
    original = gitgto.git.Repo._run
    monkeypatch.setattr(gitgto.git.Repo, "_run", lambda self, *a, **k: seen.append(a[0]) or original(self, *a, **k))
    in_process("show")
    assert seen == ["rev-parse", "show-ref", "for-each-ref"], seen


def test_a_write_reads_the_policy_only_where_there_is_one(in_process, registry_repo, monkeypatch):
    """The repository's first rev-parse says whether HEAD has a .gto-policy:
    without one, a write runs no cat-file for it."""
    seen = []
    original = gitgto.git.Repo._run
    monkeypatch.setattr(gitgto.git.Repo, "_run", lambda self, *a, **k: seen.append(a[0]) or original(self, *a, **k))
    in_process("register", "nn")
    assert seen == ["rev-parse", "remote", "for-each-ref", "tag"], seen
    registry_repo.commit("policy", {".gto-policy": "immutable: true\n"})
    seen.clear()
    in_process("register", "nn")
    assert seen[:2] == ["rev-parse", "cat-file"], seen


@pytest.mark.parametrize("command,argv", [("check-ref", ["main"]), ("check-ref", ["v1.0.0"]),
                                          ("describe", ["rf"]), ("stages", ["--allowed"])])
def test_no_tag_listing_when_not_needed(in_process, command, argv):
    calls, _ = in_process(command, *argv)
    assert calls == []


def test_per_artifact_patterns_cover_dir_names(in_process, registry_repo):
    registry_repo.tag("models/x=rf@v1.0.0")
    calls, out = in_process("show", "models/x:rf", "--version")
    assert calls == [["refs/tags/models/x=rf@*", "refs/tags/models/x=rf#*", "refs/tags/models/x=rf#*/**"]]
    assert out == "v1.0.0\n"


def test_repo_records_git_calls(registry_repo, monkeypatch):
    monkeypatch.chdir(registry_repo.path)
    for key, value in registry_repo.env.items():
        monkeypatch.setenv(key, value)
    r = gitgto.git.Repo(".")
    r.read_tags(["refs/tags/rf@*"])
    assert r.calls == ["rev-parse", "for-each-ref"]


def test_many_patterns_are_read_a_few_hundred_per_call(registry_repo, monkeypatch):
    """No command line grows with the number of artifacts: patterns are cut
    into calls of PATTERNS_PER_CALL, and the records are the same."""
    monkeypatch.chdir(registry_repo.path)
    for key, value in registry_repo.env.items():
        monkeypatch.setenv(key, value)
    names = ["nn", "rf", "rf2", "v1.0.0"]
    patterns = [p for name in names for p in gitgto.tags.ref_patterns(name)]
    whole = gitgto.git.Repo(".").read_tags(patterns)
    monkeypatch.setattr(gitgto.git, "PATTERNS_PER_CALL", 2)
    r = gitgto.git.Repo(".")
    cut = r.read_tags(patterns + patterns[:3])  # (a tag matched in two calls comes once)
    assert r.calls == ["rev-parse"] + ["for-each-ref"] * -(-(len(patterns) + 3) // 2)
    assert [(x.name, x.oid, x.message) for x in cut] == [(x.name, x.oid, x.message) for x in whole]
    assert len(whole) > 2


# -- imports ------------------------------------------------------------------------

def imported(res, top_level=True):
    """Module names (top-level ones only, by default) from
    PYTHONPROFILEIMPORTTIME's stderr report."""
    names = set()
    for line in res.err.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            names.add(name.split(".")[0] if top_level else name)
    assert "gitgto" in names, "no import report: is the executable Python?"
    return names


PROFILE = {"PYTHONPROFILEIMPORTTIME": "1"}


@pytest.mark.parametrize("argv", [("check-ref", "rf#prod#1"), ("check-ref", "rf#prod#1", "--json"),
                                  ("check-ref", "rf@v1.0.0", "--event"), ("check-ref", "main")])
def test_check_ref_imports_neither_prettytable_nor_yaml(registry_repo, argv):
    registry_repo.write(".gto", "stages: [prod]\n")  # the config is read (with yaml), tables are not drawn
    names = imported(registry_repo.gto(*argv, env=PROFILE))
    assert "prettytable" not in names
    # .gto exists, so yaml may be needed for the config; without it, never
    (registry_repo.path / ".gto").unlink()
    names = imported(registry_repo.gto(*argv, env=PROFILE))
    assert "prettytable" not in names and "yaml" not in names


def test_reads_do_not_import_asyncio_or_package_metadata(registry_repo):
    """Every command is a new process: sh 2's asyncio and semantic-version's
    importlib.metadata would cost more than the command's own work."""
    for argv in (("show",), ("show", "rf"), ("history", "rf"), ("check-ref", "rf#prod#1")):
        names = imported(registry_repo.gto(*argv, env=PROFILE), top_level=False)
        assert not names & {"asyncio", "semantic_version", "importlib.metadata"}, argv


def test_show_without_gto_file_does_not_import_yaml(repo):
    repo.commit("one")
    repo.tag("rf@v1.0.0")
    repo.tag("rf#prod#1")
    for argv in (("show",), ("show", "rf"), ("show", "--json"), ("history",)):
        assert "yaml" not in imported(repo.gto(*argv, env=PROFILE)), argv
    # the check can fail: with a .gto, yaml is imported
    repo.write(".gto", "stages: [prod]\n")
    assert "yaml" in imported(repo.gto("show", env=PROFILE))
    assert "prettytable" in imported(repo.gto("show", env=PROFILE))
