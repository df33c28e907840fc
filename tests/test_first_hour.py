"""A new user's first hour (issue 10): typos get hints, not puzzles; files
that fight back (a `.gto` directory, YAML too deep or with a key twice) are
one-line errors naming the file; hints never suggest what cannot work.
Table-driven, through the real `git gto`."""

import json
import os
import re
import shutil
import subprocess

import pytest

from gitgto import safeyaml
from gitgto.versions import suggestion

from test_hostile import EVERY_COMMAND, assert_clean_error, hrepo, run_unchanged, template  # noqa: F401

# -- allowed values ------------------------------------------------------------------


@pytest.fixture
def registry(make_repo):
    r = make_repo("reg")
    r.git("remote", "add", "origin", "https://example.invalid/models.git")
    r.commit("one", {"model.pkl": "1", ".gto": "stages: [dev, prod]\ntypes: [model, dataset]\n"})
    r.tag("m@v1.0.0")
    r.tag("m#prod#1")
    return r


NOT_ALLOWED = {
    # name: (.gto text or None, env, command, expected error line)
    "assign": (None, {}, ["assign", "m", "--version", "v1.0.0", "--stage", "production"],
               "Allowed stages are: dev, prod (from .gto); 'production' is not one of them; did you mean 'prod'?"),
    "assign-far": (None, {}, ["assign", "m", "--version", "v1.0.0", "--stage", "qa"],
                   "Allowed stages are: dev, prod (from .gto); 'qa' is not one of them"),
    "unassign": (None, {}, ["unassign", "m", "v1.0.0", "qa"],
                 "Allowed stages are: dev, prod (from .gto); 'qa' is not one of them"),
    "deprecate": (None, {}, ["deprecate", "m", "v1.0.0", "qa"],
                  "Allowed stages are: dev, prod (from .gto); 'qa' is not one of them"),
    "env": (None, {"GTO_STAGES": '["a1", "b2"]'}, ["assign", "m", "--version", "v1.0.0", "--stage", "qa"],
            "Allowed stages are: a1, b2 (from GTO_STAGES); 'qa' is not one of them"),
    "empty": ("stages: []\n", {}, ["assign", "m", "--version", "v1.0.0", "--stage", "dev"],
              "Allowed stages are: none (.gto sets 'stages' to an empty list), so 'dev' is not allowed"),
    "empty-env": (None, {"GTO_STAGES": "[]"}, ["assign", "m", "--version", "v1.0.0", "--stage", "dev"],
                  "Allowed stages are: none (GTO_STAGES sets 'stages' to an empty list), so 'dev' is not allowed"),
    "type": (None, {}, ["annotate", "m", "--type", "modle"],
             "Allowed types are: model, dataset (from .gto); 'modle' is not one of them; did you mean 'model'?"),
}


@pytest.mark.parametrize("gto,env,cmd,line", NOT_ALLOWED.values(), ids=list(NOT_ALLOWED))
def test_not_allowed_says_what_and_where(registry, gto, env, cmd, line):
    if gto is not None:
        registry.write(".gto", gto)
    before = registry.git("for-each-ref")
    res = registry.gto(*cmd, env=env, expect=1)
    assert res.err_lines == ["❌ " + line], res
    assert "'[" not in res.err  # never a Python list
    assert registry.git("for-each-ref") == before


QUERIES = {
    "show-ref": ["show", "m#production", "--ref"],
    "show-version": ["show", "m#production", "--version"],
    "show-json": ["show", "m#production", "--json"],
    "describe": ["describe", "m#production"],
}


@pytest.mark.parametrize("cmd", QUERIES.values(), ids=list(QUERIES))
def test_query_for_a_stage_not_allowed_warns(registry, cmd):
    res = registry.gto(*cmd)
    assert res.out in ("", "[]\n"), res  # GTO's contract: nothing matches, exit 0
    assert res.err_lines == ["warning: Allowed stages are: dev, prod (from .gto); "
                             "'production' is not one of them; did you mean 'prod'?"], res


def test_query_for_an_allowed_stage_is_quiet(registry):
    res = registry.gto("show", "m#dev", "--ref")
    assert res.out == "" and res.err == "", res
    assert registry.gto("show", "m#prod", "--ref").out == "m@v1.0.0\n"


# -- typed values ----------------------------------------------------------------------

TYPOS = {
    "register-no-v": (["register", "m", "--version", "1.2.0"],
                      "Supplied version '1.2.0' cannot be parsed; did you mean 'v1.2.0'?"),
    "register-capital-v": (["register", "m", "--version", "V1.2.0"],
                           "Supplied version 'V1.2.0' cannot be parsed; did you mean 'v1.2.0'?"),
    "register-hopeless": (["register", "m", "--version", "latest"], "Supplied version 'latest' cannot be parsed"),
    "assign-no-v": (["assign", "m", "--version", "1.0.0", "--stage", "dev"],
                    "Version '1.0.0' is not valid. Example of valid version: 'v1.0.0'; did you mean 'v1.0.0'?"),
    "deregister-no-v": (["deregister", "m", "1.0.0"],
                        "Version '1.0.0' is not valid. Example of valid version: 'v1.0.0'; did you mean 'v1.0.0'?"),
}


@pytest.mark.parametrize("cmd,line", TYPOS.values(), ids=list(TYPOS))
def test_version_typos_get_a_suggestion(registry, cmd, line):
    registry.commit("two")  # (HEAD holds no version yet)
    res = registry.gto(*cmd, expect=1)
    assert res.err_lines == ["❌ " + line], res


@pytest.mark.parametrize("typed,meant", [("1.2.0", "v1.2.0"), ("V1.2.0", "v1.2.0"), (" v1.2.0", "v1.2.0"),
                                         ("1.0.0-rc.1", "v1.0.0-rc.1"), ("v1.2", None), ("latest", None),
                                         ("", None), ("v1.2.0", None)])
def test_version_suggestion(typed, meant):
    assert suggestion(typed) == meant


@pytest.mark.parametrize("value", ["maybe", "2", "True!"])
def test_bad_gto_emojis_names_every_accepted_value(registry, value):
    res = registry.gto("show", env={"GTO_EMOJIS": value}, expect=1)
    assert len(res.err_lines) == 1, res
    assert f"GTO_EMOJIS" in res.err and f"'{value}'" in res.err
    for accepted in ("true", "false", "1", "0", "yes", "no", "on", "off"):
        assert accepted in res.err.split("accepted", 1)[1], res


ABBREVIATED = {
    "assign-stag": ["assign", "m", "--version", "v1.0.0", "--stag", "dev"],
    "assign-ver": ["assign", "m", "--ver", "v1.0.0", "--stage", "dev"],
    "show-js": ["show", "--js"],
    "history-asc-abbrev": ["history", "--ascend"],
    "register-bump-min": ["register", "m", "--bump-min"],
    "check-ref-fet": ["check-ref", "--fet", "m@v1.0.0"],
}


@pytest.mark.parametrize("cmd", ABBREVIATED.values(), ids=list(ABBREVIATED))
def test_abbreviated_options_are_refused(registry, cmd):
    res = run_unchanged(registry, cmd, 2)
    assert_clean_error(res, code=2)


def test_register_ver_is_a_real_alias(registry):
    registry.commit("two")
    assert registry.gto("register", "m", "--ver", "v2.0.0").lines[0] == \
        "Created git tag 'm@v2.0.0' that registers version"


NO_COMMITS = [["register", "m"], ["assign", "m", "--stage", "dev"], ["deprecate", "m", "--ref", "HEAD"]]


@pytest.mark.parametrize("cmd", NO_COMMITS, ids=lambda c: c[0])
def test_no_commits_yet_is_said_so(repo, cmd):
    res = run_unchanged(repo, cmd, 1)
    assert_clean_error(res)
    if cmd[0] != "deprecate":  # (deprecate first finds no artifact, as GTO says)
        assert "no commits yet" in res.err, res


# -- files that fight back -----------------------------------------------------------------

FILES = {
    "directory": lambda path: path.mkdir(),
    "dangling-link": lambda path: os.symlink("nowhere", path),
    "unreadable": lambda path: (path.write_text("stages: [dev]\n"), path.chmod(0)),
}


@pytest.mark.parametrize("make", FILES.values(), ids=list(FILES))
@pytest.mark.parametrize("cmd", EVERY_COMMAND, ids=lambda c: "-".join(c[:1] + c[2:3]))
def test_gto_that_is_not_a_readable_file(hrepo, make, cmd):
    if make is FILES["unreadable"] and os.geteuid() == 0:
        pytest.skip("root reads any file")
    make(hrepo.path / ".gto")
    res = run_unchanged(hrepo, cmd, 1)
    assert_clean_error(res)
    assert "'" + str(hrepo.path / ".gto") + "'" in res.err, res


@pytest.mark.parametrize("text,problem", [
    ("stages: [dev]\nstages: [prod]\n", "duplicate key 'stages' (line 2, column 1)"),
    ("emojis: true\nstages: " + "[" * 70 + "]" * 70 + "\n", "nested deeper than 64 levels"),
])
def test_gto_problem_named_in_writes(registry, text, problem):
    registry.write(".gto", text)
    for cmd in (["assign", "m", "--version", "v1.0.0", "--stage", "dev"], ["register", "m", "--bump-minor"]):
        res = registry.gto(*cmd, expect=1)
        assert res.err.startswith(f"❌ Wrong config file '{registry.path / '.gto'}': {problem}"), res


def test_duplicate_artifact_is_never_rewritten_away(registry):
    text = "m:\n  type: model\nm:\n  type: dataset\nother:\n  type: model\n"
    registry.write("artifacts.yaml", text)
    for cmd in (["annotate", "other", "--label", "x"], ["remove", "other"], ["describe", "m"]):
        res = registry.gto(*cmd, expect=1)
        assert "duplicate key 'm'" in res.err and "artifacts.yaml" in res.err, res
    assert (registry.path / "artifacts.yaml").read_text() == text


def test_broken_annotations_keep_show_and_scripts_in_agreement(registry):
    registry.commit("broken", {"artifacts.yaml": "m: [unclosed\n"})
    show = registry.gto("show", "--json")
    assert json.loads(show.out)["m"]["stage"]["prod"] == "v1.0.0"
    assert len(show.err_lines) == 1 and show.err.startswith("warning: artifacts.yaml file doesn't conform")
    assert registry.gto("show", "m#prod", "--ref").out == "m@v1.0.0\n"
    for args, out in ((["history", "m", "--plain"], None), (["history", "--json"], None),
                      (["check-ref", "m#prod#1", "--version"], "v1.0.0\n")):
        res = registry.gto(*args)  # answers from the tags, and says why annotations are missing
        assert len(res.err_lines) == 1 and res.err.startswith("warning: artifacts.yaml file doesn't conform"), res
        assert out is None or res.out == out, res
    assert registry.gto("history", "m", "--plain").lines[1].split("\t")[1] == "m"
    doctor = registry.gto("doctor", expect=1)
    assert [line for line in doctor.lines if "artifacts.yaml" in line][0].startswith("❌ artifacts.yaml")


def test_annotations_still_read_from_good_files_beside_a_broken_one(registry):
    registry.commit("two", {"artifacts.yaml": "m:\n  type: model\n", "sub/dvc.yaml": "artifacts: [oops\n"})
    res = registry.gto("show", "--json")
    assert "sub/dvc.yaml at HEAD" in res.err and len(res.err_lines) == 1, res
    assert registry.gto("describe", "m", "--type").out == "model\n"


# -- the loader itself -----------------------------------------------------------------------

LOADER = {
    "flow-deep": ("[" * 65 + "]" * 65, "nested deeper than 64 levels"),
    "flow-very-deep": ("[" * 500_000, "nested deeper than 64 levels"),
    "block-deep": ("".join("  " * i + f"k{i}:\n" for i in range(66)), "nested deeper than 64 levels"),
    "compact-deep": ("- " * 70 + "x", "nested deeper than 64 levels"),
    "alias-deep": ("a: &a " + "[" * 40 + "]" * 40 + "\nb: " + "[" * 30 + "*a" + "]" * 30,
                   "nested deeper than 64 levels through aliases"),
    "alias-recursive": ("a: &a [*a]", "recursive alias"),
    "alias-bomb": ("a: &a [" + ", ".join(["x"] * 10) + "]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(6)),
        "aliases expand to more than"),
    "duplicate": ("a: 1\nb: 2\na: 3\n", "duplicate key 'a' (line 3, column 1)"),
    "duplicate-nested": ("a:\n  x: 1\n  x: 2\n", "duplicate key 'x'"),
    "duplicate-int": ("1: a\n1: b\n", "duplicate key '1'"),
    "unsafe": ("!!python/object/apply:os.system ['true']", "could not determine a constructor"),
    "syntax": ("a: [1\n", "did not find expected"),
}


@pytest.mark.parametrize("text,problem", LOADER.values(), ids=list(LOADER))
def test_loader_refuses(text, problem):
    with pytest.raises(safeyaml.YAMLFileError) as info:
        safeyaml.load(text)
    assert problem in str(info.value)
    assert "\n" not in str(info.value) and "<unicode string>" not in str(info.value)


ACCEPTED = {
    "64-deep": ("[" * 63 + "x" + "]" * 63, None),
    "merge-key": ("base: &b {x: 1}\nd: {<<: *b, x: 2}\n", {"base": {"x": 1}, "d": {"x": 2}}),
    "shared-alias": ("a: &a [1]\nb: [*a, *a]\n", {"a": [1], "b": [[1], [1]]}),
    "types": ("a: 2020-01-02\nb: 1.5\nc: yes\nd: null\ne: '1'\n",
              {"a": __import__("datetime").date(2020, 1, 2), "b": 1.5, "c": True, "d": None, "e": "1"}),
    "empty": ("", None),
    "same-key-elsewhere": ("a: {x: 1}\nb: {x: 2}\n", {"a": {"x": 1}, "b": {"x": 2}}),
}


@pytest.mark.parametrize("text,value", ACCEPTED.values(), ids=list(ACCEPTED))
def test_loader_accepts(text, value):
    loaded = safeyaml.load(text)
    if value is not None:
        assert loaded == value


def test_loader_uses_libyaml_when_pyyaml_has_it():
    import yaml

    if yaml.__with_libyaml__:
        from yaml._yaml import CParser

        assert issubclass(safeyaml._Loader, CParser)


def test_loader_equals_safe_load_on_a_large_file():
    import yaml

    text = "".join(f"a{i}:\n  type: model\n  path: m/{i}.pkl\n  labels: [x, y]\n  custom: {{n: {i}}}\n"
                   for i in range(2000))
    assert safeyaml.load(text) == yaml.safe_load(text)


# -- help, hints ---------------------------------------------------------------------------


needs_man = pytest.mark.skipif(shutil.which("man") is None, reason="man(1) is not installed")
PAGER = {"MANPAGER": "cat", "PAGER": "cat", "MANWIDTH": "100", "MANPATH": ""}


def _plain(text):
    return re.sub(r".\x08", "", text)


@needs_man
@pytest.mark.parametrize("args,page", [(["help"], "GIT-GTO(1)"), (["help", "show"], "GIT-GTO-SHOW(1)"),
                                       (["help", "promote"], "GIT-GTO-ASSIGN(1)")])
def test_git_gto_help_opens_the_page(registry, args, page):
    assert page in _plain(registry.gto(*args, env=PAGER).out)


@needs_man
@pytest.mark.parametrize("args", [["gto", "--help"], ["help", "gto"], ["gto-show", "--help"]])
def test_pages_found_from_a_checkout_on_path(registry, args):
    """git itself runs `man git-gto` for these: with only the checkout's bin/ on
    PATH (no MANPATH, nothing installed) man finds bin/../man/man1."""
    env = dict(registry.env, **PAGER)
    del env["MANPATH"]
    proc = subprocess.run(["git", *args], cwd=registry.path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc
    assert "GIT-GTO" in _plain(proc.stdout) and "(1)" in proc.stdout, proc


def test_git_gto_help_of_an_unknown_command(registry):
    res = registry.gto("help", "nosuch", check=False)
    assert res.code == 2 and "'nosuch' is not a git-gto command" in res.err, res


def test_push_hint_only_where_the_remote_exists(make_repo, tmp_path):
    fresh = make_repo("fresh")
    fresh.commit("one")
    assert fresh.gto("register", "m").lines == ["Created git tag 'm@v0.0.1' that registers version"]
    fresh.git("remote", "add", "upstream", "https://example.invalid/x.git")
    res = fresh.gto("assign", "m", "--version", "v0.0.1", "--stage", "dev", "--remote", "upstream")
    assert res.lines[1:] == ["To push the changes upstream, run:", "    git push upstream 'm#dev#1'"]
    bare = make_repo("bare.git", bare=True)
    fresh.git("push", "-q", str(bare.path), "main")
    res = fresh.gto("register", "b", "-r", str(bare.path))
    assert res.lines == ["Created git tag 'b@v0.0.1' that registers version"], res


def test_doctor_gives_check_refs_advice_for_a_lightweight_tag(registry):
    registry.tag("m#dev#7", lightweight=True)
    doctor = registry.gto("doctor", expect=1)
    check = registry.gto("check-ref", "m#dev#7", expect=1)
    advice = check.err[len("❌ "):].strip()
    assert "git fetch --force origin 'refs/tags/m#dev#7:refs/tags/m#dev#7'" in advice
    assert "❌ " + advice in doctor.lines


def test_no_tags_warning_only_for_clones_without_tags(make_repo):
    origin = make_repo("origin")
    origin.commit("one")
    origin.tag("m@v1.0.0")
    new = make_repo("new")
    new.git("remote", "add", "origin", str(origin.path))
    new.commit("first")
    assert new.gto("show").err == ""  # a new, empty registry with an origin: normal
    clone = make_repo("clone-parent")
    clone.git("clone", "-q", "--no-tags", str(origin.path), "c")
    res = clone.gto("show", cwd=clone.path / "c")
    assert res.err_lines == ["warning: no GTO tags here, and remote 'origin' is set never to fetch tags "
                             "(a clone made with --no-tags): the registry is incomplete. "
                             "Fetch them: git fetch --tags origin (GitHub Actions: fetch-depth: 0)"], res
