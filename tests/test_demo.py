"""`make demo`'s script builds its sample registry and prints it, the same
on every run (explicit dates, private git config)."""

import shutil
import sys
from pathlib import Path

import pytest

from pkgenv import BIN, GIT, ROOT, env, run


@pytest.mark.skipif(shutil.which("sh") is None, reason="no sh")
def test_demo(tmp_path):
    path = ":".join([str(BIN), str(Path(sys.executable).parent), str(Path(GIT).parent), "/usr/bin", "/bin"])
    e = env(tmp_path, path=path, TMPDIR=str(tmp_path))
    out = run(["sh", str(ROOT / "tests" / "demo.sh")], e).stdout
    assert "$ git gto show\n" in out and "$ git gto history churn\n" in out
    show = out.split("$ git gto show\n", 1)[1].split("\n\n", 1)[0]
    assert "churn" in show and "v0.1.0" in show and "segment" not in show  # deprecated
    assert "segment" in out.split("$ git gto show -d\n", 1)[1]
    assert "churn#prod#" in out and "2024-03-05 16:00:00+01:00" in out
    assert run(["sh", str(ROOT / "tests" / "demo.sh")], e).stdout == out
    assert list(tmp_path.glob("git-gto-demo.*")) == []  # cleaned up
