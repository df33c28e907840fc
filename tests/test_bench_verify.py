"""Smoke test of benchmarks/verify.py: it builds a small registry of signed
tags and prints its table, with git gto verify --all passing on it."""

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
    rows = [line for line in res.stdout.splitlines() if line.startswith("| git gto verify --all |")]
    assert len(rows) == 1
