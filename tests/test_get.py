"""`git gto get`: an artifact's files as at a version's commit, from git's
objects: files, directories, binary files, symlinks, spaces, a 100 MB file
streamed in chunks; never overwriting without --force, never writing outside
-o, never touching the work tree; virtual and DVC-tracked artifacts; --verify."""

import hashlib
import os
import subprocess
import sys

import pytest

from gitgto import fetch
from gitgto.errors import GTOError
from gtorepo import GtoRepo
from signing import make_keys, needs_ssh_keygen, setup_signing, signers_line

BINARY = bytes(range(256)) * 3 + b"\0\r\n\xff"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    r = GtoRepo(tmp_path_factory.mktemp("get"))
    (r.path / "models" / "dir with space" / "sub").mkdir(parents=True)
    (r.path / "models" / "dir with space" / "sub" / "weights.bin").write_bytes(BINARY)
    (r.path / "models" / "dir with space" / "run.sh").write_text("#!/bin/sh\n")
    os.chmod(r.path / "models" / "dir with space" / "run.sh", 0o755)
    os.symlink("../run.sh", r.path / "models" / "dir with space" / "sub" / "inside")
    os.symlink("/etc/passwd", r.path / "models" / "dir with space" / "outside")
    r.git("add", "-A")
    r.commit("v1", files={
        "model one.pkl": "version 1\n",
        "artifacts.yaml": "churn:\n  path: model one.pkl\nbundle:\n  path: models/dir with space\n"
                          "remote:\n  path: s3://bucket/model.pkl\ngone:\n  path: not/there\n"
                          "dvcfile:\n  path: data/big.csv\nstaged:\n  path: out/model.bin\n"
                          "escape:\n  path: ../elsewhere\n"
                          "dotted:\n  path: ./models/dir with space/\n",
        "data/big.csv.dvc": "outs:\n- path: big.csv\n",
        "dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n    outs:\n    - out/model.bin\n",
    })
    for name in ("churn", "bundle", "remote", "gone", "dvcfile", "staged", "escape", "dotted"):
        r.gto("register", name)
    r.gto("assign", "churn", "--stage", "prod")
    r.commit("v2", files={"model one.pkl": "version 2\n"})
    r.gto("register", "churn")
    return r


@pytest.fixture
def r(base, tmp_path):
    return base.copy(tmp_path)


def out_dir(r):
    d = r.path.parent / "out"
    d.mkdir(exist_ok=True)
    return d


def test_get_a_file_by_stage_version_and_latest(r):
    out = out_dir(r)
    r.gto("get", "churn#prod", "-o", str(out / "prod.pkl"))
    assert (out / "prod.pkl").read_text() == "version 1\n"
    r.gto("get", "churn@v0.0.2", "-o", str(out / "v2.pkl"))
    assert (out / "v2.pkl").read_text() == "version 2\n"
    for spec in ("churn", "churn@latest", "churn@greatest"):
        assert r.gto("get", spec, "-o", "-").out == "version 2\n"
    res = r.gto("get", "churn", "-r", str(r.path), cwd=out)  # default: the basename of the path, here
    assert (out / "model one.pkl").read_text() == "version 2\n"
    assert res.out == "Wrote 'model one.pkl' (1 file): model one.pkl of churn v0.0.2\n"
    r.gto("get", "churn#prod", "-o", str(out), "--force")  # into an existing directory
    assert (out / "model one.pkl").read_text() == "version 1\n"
    assert r.git("status", "--porcelain") == ""  # the work tree is never touched


def test_never_overwrites_without_force(r):
    out = out_dir(r)
    (out / "m.pkl").write_text("mine")
    res = r.gto("get", "churn", "-o", str(out / "m.pkl"), check=1)
    assert res.err.startswith("❌ ") and "exists: use --force" in res.err
    assert (out / "m.pkl").read_text() == "mine"
    r.gto("get", "churn", "-o", str(out / "m.pkl"), "--force")
    assert (out / "m.pkl").read_text() == "version 2\n"
    assert [p.name for p in out.iterdir()] == ["m.pkl"]  # no temporary file left


def test_force_replaces_a_link_never_its_target(r):
    out = out_dir(r)
    victim = r.path.parent / "victim"
    victim.write_text("keep")
    os.symlink(str(victim), out / "m.pkl")
    r.gto("get", "churn", "-o", str(out / "m.pkl"), "--force")
    assert victim.read_text() == "keep"
    assert not os.path.islink(out / "m.pkl") and (out / "m.pkl").read_text() == "version 2\n"


def test_get_a_directory(r):
    dest = out_dir(r) / "bundle"
    r.gto("get", "bundle", "-o", str(dest))
    assert (dest / "sub" / "weights.bin").read_bytes() == BINARY
    assert os.access(dest / "run.sh", os.X_OK) and not os.access(dest / "sub" / "weights.bin", os.X_OK)
    assert os.readlink(dest / "sub" / "inside") == "../run.sh"
    assert os.readlink(dest / "outside") == "/etc/passwd"  # kept as a link, never followed
    assert sorted(p.name for p in dest.rglob("*")) == ["inside", "outside", "run.sh", "sub", "weights.bin"]
    assert r.gto("get", "bundle", "-o", str(dest), check=1).err.startswith("❌ ")  # exists
    r.gto("get", "dotted", "-o", str(dest.parent / "dotted"))  # `./models/dir with space/`: the same
    assert (dest.parent / "dotted" / "sub" / "weights.bin").read_bytes() == BINARY
    assert "-o - writes a single file" in r.gto("get", "bundle", "-o", "-", check=1).err


def test_a_link_in_the_destination_is_never_written_through(r, tmp_path):
    dest = out_dir(r) / "bundle"
    dest.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(str(elsewhere), dest / "sub")
    res = r.gto("get", "bundle", "-o", str(dest), "--force", check=1)
    assert "is a symbolic link: refusing to write through it" in res.err
    assert list(elsewhere.iterdir()) == []
    os.symlink(str(elsewhere), out_dir(r) / "linked")
    assert "symbolic link" in r.gto("get", "bundle", "-o", str(out_dir(r) / "linked"), "--force", check=1).err


@pytest.mark.parametrize("path", ["../x", "a/../../x", "/abs", ".git/config", "a/.GIT/hooks", "a//b", "."])
def test_paths_from_a_tree_that_would_leave_the_destination(path):
    with pytest.raises(GTOError, match="would leave the destination"):
        fetch.check_relpath(path)


def test_batch_splitter_handles_any_chunking():
    blobs = [b"", b"abc\n", BINARY]
    stream = b"".join(b"%040d blob %d\n" % (i, len(b)) + b + b"\n" for i, b in enumerate(blobs))
    for size in (1, 2, 7, 4096):
        got = {}

        class Sink:
            def __init__(self, i):
                self.i = i
                got[i] = b""

            def write(self, data):
                got[self.i] += data

            def close(self):
                got[self.i] += b"<closed>"

        splitter = fetch.BatchSplitter(3, Sink)
        for start in range(0, len(stream), size):
            splitter.write(stream[start : start + size])
        splitter.finish()
        assert got == {i: b + b"<closed>" for i, b in enumerate(blobs)}
    with pytest.raises(GTOError):
        fetch.BatchSplitter(1, Sink).write(b"abc missing\n")


def test_virtual_artifacts_say_where_they_live(r):
    res = r.gto("get", "remote", check=1)
    assert res.err.strip() == ("❌ 'remote' is a virtual artifact: it lives at 's3://bucket/model.pkl', "
                               "outside the repository (--print prints its path)")
    assert r.gto("get", "remote", "--print").out == "s3://bucket/model.pkl\n"
    assert "outside the repository" in r.gto("get", "escape", check=1).err


def test_dvc_tracked_paths_print_the_dvc_get_command(r):
    res = r.gto("get", "dvcfile", check=1)
    assert res.out == f"dvc get {r.path} data/big.csv --rev dvcfile@v0.0.1\n"
    assert "tracked by DVC (data/big.csv.dvc)" in res.err
    res = r.gto("get", "staged", "-o", "m b", check=1)
    assert res.out == f"dvc get {r.path} out/model.bin --rev staged@v0.0.1 -o 'm b'\n"
    assert "tracked by DVC (dvc.yaml)" in res.err
    assert r.gto("get", "staged", "--print").code == 0


def test_errors(r):
    assert "not in the commit" in r.gto("get", "gone", check=1).err
    assert "No version of 'churn' is in stage 'dev'" in r.gto("get", "churn#dev", check=1).err
    assert "Version 'v9.0.0' of 'churn'" in r.gto("get", "churn@v9.0.0", check=1).err
    assert "Cannot find artifact 'nope'" in r.gto("get", "nope", check=1).err
    assert r.gto("get", "churn", "--print").out == f"{r.sha()}:model one.pkl\n"


@needs_ssh_keygen
def test_verify_refuses_what_the_policy_refuses(r, tmp_path):
    keys = make_keys(tmp_path / "keys")
    setup_signing(r, keys)
    r.commit("policy", files={".gto-policy": "groups: {release: [alice@example.com]}\n"
                                             "stages: {prod: {signed_by: [release]}}\n",
                              ".gto-signers": signers_line(keys, "alice")})
    res = r.gto("get", "churn#prod", "--verify", "-o", "-", check=1)  # the old assignment is unsigned
    assert res.out == "" and "refuses" in res.err
    r.gto("assign", "churn", "--version", "v0.0.2", "--stage", "prod", "--sign")
    assert r.gto("get", "churn#prod", "--verify", "-o", "-").out == "version 2\n"


def test_a_100_mb_file_is_streamed_not_held_in_memory(tmp_path):
    r = GtoRepo(tmp_path)
    r.commit("init", files={"artifacts.yaml": "big:\n  path: big.bin\n"})
    block = hashlib.sha256(b"seed").digest() * 32768  # 1 MiB
    size = 100 * 1024 * 1024
    proc = subprocess.Popen(["git", "hash-object", "-w", "--stdin"], cwd=r.path, env=r.env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    digest = hashlib.sha256()
    for _ in range(size // len(block)):
        proc.stdin.write(block)
        digest.update(block)
    oid = proc.communicate()[0].decode().strip()
    r.git("update-index", "--add", "--cacheinfo", f"100644,{oid},big.bin")
    r.git("commit", "-q", "-m", "big")
    r.gto("register", "big")
    # The largest process of the get (git-gto, or git under it) must stay far
    # below the file's size: a get that read the blob whole would not.
    probe = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(p.returncode)")
    res = r.run([sys.executable, "-c", probe, "git", "gto", "get", "big", "-o", str(tmp_path / "big.out")])
    peak_kib = int(res.out.splitlines()[-1])
    assert peak_kib < 60 * 1024, f"peak RSS {peak_kib} KiB"
    assert os.path.getsize(tmp_path / "big.out") == size
    with open(tmp_path / "big.out", "rb") as f:
        got = hashlib.sha256()
        for chunk in iter(lambda: f.read(1 << 20), b""):
            got.update(chunk)
    assert got.hexdigest() == digest.hexdigest()


def test_get_from_a_remote_url_without_a_clone(r, tmp_path):
    out = tmp_path / "from-remote.pkl"
    r.gto("get", "-r", f"file://{r.path}", "churn#prod", "-o", str(out), cwd=tmp_path)
    assert out.read_text() == "version 1\n"
