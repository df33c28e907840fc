#!/bin/sh
# Fetch every tag, forcing the triggering one back to what the remote has:
# actions/checkout leaves it a lightweight tag, which carries no GTO event;
# a shallow checkout is deepened (the registry's commits and dates).
set -eu
remote=${GTO_REMOTE:-origin}
if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
  git fetch --quiet --force --tags --unshallow --end-of-options "$remote"
else
  git fetch --quiet --force --tags --end-of-options "$remote"
fi
