#!/bin/sh
# Install git-gto from this action's own checkout (`make install`) into
# GTO_PREFIX (default: $RUNNER_TEMP/git-gto) and put its bin/ on the PATH of
# the next steps ($GITHUB_PATH). The interpreter is GTO_PYTHON (default
# python3) when it has git-gto's dependencies, else a venv made beside the
# installation with them (from setup.cfg).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
prefix=${GTO_PREFIX:-${RUNNER_TEMP:-/tmp}/git-gto}
python=${GTO_PYTHON:-python3}
if ! "$python" -c 'import sh, yaml, semantic_version, prettytable' 2>/dev/null; then
  "$python" -m venv "$prefix/venv"
  python=$prefix/venv/bin/python
  # shellcheck disable=SC2046 # (one requirement a word)
  "$python" -m pip install --disable-pip-version-check -q $("$python" -c '
import configparser, sys
c = configparser.ConfigParser()
c.read(sys.argv[1])
print(" ".join(c["options"]["install_requires"].split()))' "$root/setup.cfg")
fi
make -s -C "$root" install PREFIX="$prefix" PYTHON="$python" >/dev/null
echo "$prefix/bin" >> "${GITHUB_PATH:-/dev/null}"
"$prefix/bin/git-gto" --version
