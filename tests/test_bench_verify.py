"""Smoke test of benchmarks/verify.py: it builds a small registry of signed
tags and prints its table, with git gto verify --all passing on it, and
pushes through the hook."""

import os
import subprocess
import sys

from conftest import ROOT
from signing import needs_ssh_keygen


@needs_ssh_keygen
def test_verify_benchmark_runs(tmp_path):
    res = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "verify.py"), "--tags", "7", "--repeat", "1",
                          "--no-naive", "--cache", str(tmp_path)], capture_output=True, text=True, timeout=300,
                         env={k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GTO_"))})
    assert res.returncode == 0, res.stderr
    assert "### verify: 7 SSH-signed tags" in res.stdout
    for label in ("git gto verify --all (no verdict cache)",
                  "git gto verify --all, a second time (verdicts cached)",
                  "push of one signed tag to the artifact with 7 signed tags",
                  "push of one signed tag to a new artifact"):
        assert len([line for line in res.stdout.splitlines() if line.startswith(f"| {label} |")]) == 1, label
