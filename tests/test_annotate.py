"""annotate / remove (reference §7.2–7.3, DECISIONS §7): the work-tree
artifacts.yaml, its update rules, checks, refusal of broken files, atomic
writes, unknown keys preserved, --dry-run."""

import pytest
import yaml

from gtorepo import GtoRepo


@pytest.fixture
def repo(tmp_path):
    r = GtoRepo(tmp_path)
    r.commit("init", {"models/nn.pkl": "weights\n", "data/set.csv": "a,b\n"})
    return r


def index(r):
    return yaml.safe_load((r.path / "artifacts.yaml").read_text())


def no_leftovers(r):
    assert sorted(p.name for p in r.path.iterdir() if p.name.startswith("artifacts")) in (["artifacts.yaml"], [])


def annotate(r, *args):
    res = r.gto("annotate", *args)
    assert (res.out, res.err) == ("Updated `artifacts.yaml`\n", "")
    no_leftovers(r)
    return res


def refused(r, *args, err):
    before = r.snapshot()
    res = r.gto(*args, check=1)
    assert res.out == "" and res.err_lines == ["❌ " + err], res
    assert r.snapshot() == before
    no_leftovers(r)


def test_new_entry_with_every_field(repo):
    r = repo
    annotate(r, "nn", "--type", "model", "--path", "models/nn.pkl", "--label", "b-label", "--label", "a-label",
             "--label", "b-label", "-d", "NN model", "-c", '{"k": 1}')
    assert index(r) == {"nn": {"type": "model", "path": "models/nn.pkl", "labels": ["b-label", "a-label", "b-label"],
                               "description": "NN model", "custom": '{"k": 1}'}}
    # GTO's layout: block style, keys sorted, defaults left out
    assert (r.path / "artifacts.yaml").read_text() == (
        "nn:\n  custom: '{\"k\": 1}'\n  description: NN model\n  labels:\n  - b-label\n  - a-label\n"
        "  - b-label\n  path: models/nn.pkl\n  type: model\n")


def test_minimal_entry_and_file_at_repo_root_from_a_subdirectory(repo):
    r = repo
    res = r.gto("annotate", "m", cwd=r.path / "models")
    assert res.out == "Updated `artifacts.yaml`\n"
    assert (r.path / "artifacts.yaml").read_text() == "m: {}\n"
    assert not (r.path / "models" / "artifacts.yaml").exists()


def test_existing_entry_update_rules(repo):
    r = repo
    annotate(r, "nn", "--type", "model", "--path", "models/nn.pkl", "-e", "--label", "x", "-d", "old", "-c", "c1")
    assert index(r)["nn"]["virtual"] is False
    annotate(r, "nn", "--label", "b", "--label", "a")
    assert index(r)["nn"] == {"type": "model", "path": "models/nn.pkl", "virtual": False,
                              "labels": ["a", "b", "x"], "description": "old", "custom": "c1"}
    annotate(r, "nn", "--type", "dataset", "-d", "new", "-c", "c2", "--label", "a")
    assert index(r)["nn"] == {"type": "dataset", "path": "models/nn.pkl", "virtual": False,
                              "labels": ["a", "b", "x"], "description": "new", "custom": "c2"}
    # a path without -e flips it back to virtual (the default, so left out)
    annotate(r, "nn", "--path", "models/nn.pkl")
    assert "virtual" not in index(r)["nn"]
    annotate(r, "nn", "-e", "--path", "models/nn.pkl")
    assert index(r)["nn"]["virtual"] is False


def test_other_entries_and_unknown_keys_are_preserved(repo):
    r = repo
    (r.path / "artifacts.yaml").write_text(
        "zz:\n  path: s3://b/zz\n  owner: team-x\n  meta:\n    k: [1, 2]\n"
        "aa:\n  type: model\n  labels: [q]\n")
    annotate(r, "mm", "--path", "models/nn.pkl")
    assert index(r) == {"aa": {"type": "model", "labels": ["q"]}, "mm": {"path": "models/nn.pkl"},
                        "zz": {"path": "s3://b/zz", "owner": "team-x", "meta": {"k": [1, 2]}}}
    annotate(r, "zz", "--label", "l")
    assert index(r)["zz"] == {"path": "s3://b/zz", "owner": "team-x", "meta": {"k": [1, 2]}, "labels": ["l"]}
    res = r.gto("remove", "aa")
    assert res.out == "Updated `artifacts.yaml`\n"
    assert set(index(r)) == {"mm", "zz"} and index(r)["zz"]["owner"] == "team-x"


def test_must_exist_checks_heads_tree_not_the_work_tree(repo):
    r = repo
    (r.path / "uncommitted.pkl").write_text("x")
    refused(r, "annotate", "a", "--path", "uncommitted.pkl", "-e",
            err="Nothing found in 'uncommitted.pkl' for checked out commit")
    refused(r, "annotate", "a", "-e", err="`path` is required when `must_exist` is set to True")
    (r.path / "models" / "nn.pkl").unlink()  # deleted in the work tree, still in HEAD
    annotate(r, "a", "--path", "models/nn.pkl", "-e")
    annotate(r, "b", "--path", "data", "--must-exist")  # a directory
    assert index(r)["b"] == {"path": "data", "virtual": False}


@pytest.mark.parametrize("path", ["models/nn.pkl", "models", "models/nn.pkl/inner", "./models/", "models//nn.pkl"])
def test_path_conflicts(repo, path):
    r = repo
    annotate(r, "nn", "--type", "model", "--path", "models/nn.pkl")
    # re-annotating the artifact that owns the path is no conflict
    annotate(r, "nn", "--path", "models/nn.pkl")
    refused(r, "annotate", "other", "--path", path,
            err="Provided path conflicts with 'models/nn.pkl' ('model' 'nn'). Use --allow-same-path to allow it.")
    annotate(r, "other", "--path", path, "--allow-same-path")
    assert index(r)["other"]["path"] == path


def test_no_conflict_for_siblings_and_uris(repo):
    r = repo
    annotate(r, "a", "--path", "models/nn.pkl")
    annotate(r, "b", "--path", "models/nn.pkl2")
    annotate(r, "c", "--path", "model")
    annotate(r, "d", "--path", "s3://bucket/models/nn.pkl")
    assert len(index(r)) == 4


def test_types_and_labels(repo):
    r = repo
    r.commit("cfg", {".gto": "types: [model, dataset]\n"})
    refused(r, "annotate", "a", "--type", "table", err="Allowed types are: model, dataset (from .gto); 'table' is not one of them")
    annotate(r, "a", "--type", "dataset")
    refused(r, "annotate", "a", "--label=-x",
            err="Invalid value '-x'. Only letters, numbers, '_', '-', '/' are allowed. Value must start and end "
                "with a letter or a number, and be at most 200 characters long.")
    refused(r, "annotate", "a", "--type=bad type",
            err="Invalid value 'bad type'. Only letters, numbers, '_', '-', '/' are allowed. Value must start "
                "and end with a letter or a number, and be at most 200 characters long.")


def test_dir_name_artifact(repo):
    annotate(repo, "models/churn:model", "--path", "x.pkl")
    assert index(repo) == {"models/churn:model": {"path": "x.pkl"}}


@pytest.mark.parametrize("text", [
    "a: [unclosed\n",
    "- just\n- a list\n",
    "'bad name!':\n  path: x\n",
    "a:\n  labels: notalist\n",
    "a:\n  virtual: maybe\n",
    "a: 3\n",
    "a:\n  path: [1]\n",
    "\xff\xfe not utf-8",
])
@pytest.mark.parametrize("command", [["annotate", "z", "--path", "q"], ["remove", "a"], ["annotate", "a", "--dry-run"]])
def test_broken_file_is_refused_and_left_byte_identical(repo, text, command):
    r = repo
    data = text.encode("latin-1")
    (r.path / "artifacts.yaml").write_bytes(data)
    res = r.gto(*command, check=1)
    assert res.out == "" and len(res.err_lines) == 1
    assert res.err.startswith("❌ artifacts.yaml file doesn't conform to GTO format")
    assert (r.path / "artifacts.yaml").read_bytes() == data
    no_leftovers(r)


def test_remove(repo):
    r = repo
    annotate(r, "a", "--path", "p1")
    annotate(r, "b", "--path", "p2")
    res = r.gto("remove", "a")
    assert res.out == "Updated `artifacts.yaml`\n"
    assert index(r) == {"b": {"path": "p2"}}
    refused(r, "remove", "a", err="Cannot find artifact 'a'")
    r.gto("remove", "b")
    assert (r.path / "artifacts.yaml").read_text() == "{}\n"
    no_leftovers(r)


def test_remove_without_a_file(repo):
    refused(repo, "remove", "a", err="Cannot find artifact 'a'")
    assert not (repo.path / "artifacts.yaml").exists()


def test_dry_run(repo):
    r = repo
    annotate(r, "a", "--path", "p1", "--label", "x")
    before = r.snapshot()
    res = r.gto("annotate", "a", "--label", "b", "--type", "model", "--dry-run")
    assert res.lines == ["Would update `artifacts.yaml` with:", "a:", "  labels:", "  - b", "  - x",
                         "  path: p1", "  type: model"]
    assert r.snapshot() == before
    res = r.gto("remove", "a", "--dry-run")
    assert res.lines == ["Would remove 'a' from `artifacts.yaml`"]
    assert r.snapshot() == before
    refused(r, "remove", "zz", "--dry-run", err="Cannot find artifact 'zz'")
    refused(r, "annotate", "q", "--path", "p1", "--dry-run",
            err="Provided path conflicts with 'p1' ('None' 'a'). Use --allow-same-path to allow it.")
    no_leftovers(r)


def test_atomic_write_replaces_the_file(repo):
    r = repo
    annotate(r, "a", "--path", "p1")
    inode = (r.path / "artifacts.yaml").stat().st_ino
    annotate(r, "b", "--path", "p2")
    assert (r.path / "artifacts.yaml").stat().st_ino != inode  # renamed over, not rewritten in place


def test_stale_lock_is_reported_and_nothing_written(repo):
    r = repo
    annotate(r, "a", "--path", "p1")
    (r.path / "artifacts.yaml.lock").write_text("")
    before = (r.path / "artifacts.yaml").read_bytes()
    res = r.gto("annotate", "b", check=1)  # gives up after LockedIndex.WAIT_SECONDS
    assert "artifacts.yaml.lock" in res.err and len(res.err_lines) == 1
    assert (r.path / "artifacts.yaml").read_bytes() == before
    assert (r.path / "artifacts.yaml.lock").exists()  # someone else's lock is never removed


def test_annotations_are_read_committed_by_show(repo):
    r = repo
    annotate(r, "a", "--path", "p1")
    assert r.gto("show").out.count("*a") == 0  # not committed yet
    r.git("add", "artifacts.yaml")
    r.commit("annotate")
    assert "*a" in r.gto("show").out
