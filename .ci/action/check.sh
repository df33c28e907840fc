#!/bin/sh
# Interpret GITHUB_REF (the ref that triggered the workflow) and write the
# step outputs to GITHUB_OUTPUT: name, stage, version, event (empty when the
# ref is not a GTO tag), type, path, description (the artifact's annotation)
# and, when a .gto-policy exists at GTO_POLICY_REF (default HEAD), verified
# (true, or false and exit 1). GTO_SHOW / GTO_HISTORY / GTO_PRINT_OUTPUTS
# ("true") print the registry, its history and the outputs to the log.
set -eu
ref=${GITHUB_REF:?GITHUB_REF is not set}
out=${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}
policy_ref=${GTO_POLICY_REF:-}
remote=${GTO_REMOTE:-origin}

# key=value, or the delimited form (with a delimiter nobody can guess) for a
# value of several lines, so a description cannot set other outputs.
output() {
  case "$2" in
    *"
"*) eof="GTO_EOF_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
        printf '%s<<%s\n%s\n%s\n' "$1" "$eof" "$2" "$eof" >> "$out" ;;
    *) printf '%s=%s\n' "$1" "$2" >> "$out" ;;
  esac
}

echo "The Git ref that triggered this run: $ref"
event=$(git gto check-ref --event --remote "$remote" -- "$ref")
name= version= stage= type= path= description=
if [ -n "$event" ]; then
  name=$(git gto check-ref --name -- "$ref")
  version=$(git gto check-ref --version -- "$ref")
  stage=$(git gto check-ref --stage -- "$ref")
  type=$(git gto describe --type -- "$name")
  path=$(git gto describe --path -- "$name")
  description=$(git gto describe --description -- "$name")
fi
output name "$name"
output stage "$stage"
output version "$version"
output event "$event"
output type "$type"
output path "$path"
output description "$description"

status=0
if [ -n "$event" ] && git cat-file -e "${policy_ref:-HEAD}:.gto-policy" 2>/dev/null; then
  if git gto check-ref --verify ${policy_ref:+--policy-ref "$policy_ref"} -- "$ref"; then
    output verified true
  else
    output verified false
    status=1
  fi
fi

if [ -n "$name" ]; then
  git gto show -- "$name"
  git gto history -- "$name"
fi
if [ "${GTO_SHOW:-true}" = true ]; then git gto show; fi
if [ "${GTO_HISTORY:-true}" = true ]; then git gto history; fi
if [ "${GTO_PRINT_OUTPUTS:-true}" = true ]; then
  echo "After Git tag parsing, the following outputs are set:"
  cat "$out"
fi
exit $status
