#!/bin/sh
# A small sample registry, built in a temporary directory, then shown.
#   make demo        (runs this with PATH=bin:.venv/bin:$PATH)
# Dates are explicit so that every run prints the same history.
set -eu

command -v git-gto >/dev/null || { echo "demo: git-gto is not on PATH (run 'make demo')" >&2; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/git-gto-demo.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM

# A private git setup: no user or system config, a fixed identity.
export HOME="$dir/home" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null TZ=UTC
export GIT_AUTHOR_NAME="Demo User" GIT_AUTHOR_EMAIL=demo@example.com
export GIT_COMMITTER_NAME="Demo User" GIT_COMMITTER_EMAIL=demo@example.com
mkdir "$HOME"
cd "$dir"

at() {  # at DATE command...: run with both git dates set to DATE
    GIT_AUTHOR_DATE=$1 GIT_COMMITTER_DATE=$1; export GIT_AUTHOR_DATE GIT_COMMITTER_DATE
    shift
    "$@"
}
commit() {  # commit DATE FILE CONTENT MESSAGE
    printf '%s\n' "$3" > "$2"
    git add "$2"
    at "$1" git commit -q -m "$4"
}

git init -q -b main repo
cd repo
printf 'stages: [dev, staging, prod]\n' > .gto
git add .gto

commit "2024-03-01T09:00:00+01:00" churn.pkl 1 "Train churn model"
at "2024-03-01T09:05:00+01:00" git gto register churn >/dev/null
at "2024-03-01T09:10:00+01:00" git gto assign churn --stage dev >/dev/null
commit "2024-03-04T10:00:00+01:00" churn.pkl 2 "Retrain churn model"
at "2024-03-04T10:05:00+01:00" git gto register churn --bump-minor >/dev/null
at "2024-03-04T10:10:00+01:00" git gto assign churn --stage staging >/dev/null
at "2024-03-05T16:00:00+01:00" git gto assign churn --stage prod >/dev/null
commit "2024-03-06T11:00:00+01:00" segment.pkl 1 "Train segment model"
at "2024-03-06T11:05:00+01:00" git gto register segment --version v1.0.0 >/dev/null
at "2024-03-07T12:00:00+01:00" git gto deprecate segment >/dev/null

echo "\$ git gto show"
git gto show
echo
echo "\$ git gto show -d"
git gto show -d
echo
echo "\$ git gto history churn"
git gto history churn

# What makes `git gto` work in the user's own shell: the checkout's bin/ and
# the interpreter that has the dependencies (make demo: the venv's).
quoted() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
bin_dir=$(dirname "$(command -v git-gto)")
python_dir=$(dirname "$(command -v python3)")
echo
echo "To run git gto in your own shell, add these two lines to it (or to ~/.profile):"
echo "    export PATH=$(quoted "$python_dir"):\"\$PATH\""
echo "    export PATH=$(quoted "$bin_dir"):\"\$PATH\""
