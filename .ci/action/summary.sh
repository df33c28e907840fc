#!/bin/sh
# The step summary ($GITHUB_STEP_SUMMARY): a small Markdown table of the
# event the check step found (GTO_EVENT, GTO_NAME, GTO_VERSION, GTO_STAGE,
# GTO_VERIFIED), or one line saying the ref is not a GTO event.
set -eu
ref=${GITHUB_REF:?GITHUB_REF is not set}
summary=${GITHUB_STEP_SUMMARY:?GITHUB_STEP_SUMMARY is not set}
tag=${ref#refs/tags/}
{
  if [ -z "${GTO_EVENT:-}" ]; then
    printf '`%s` is not a GTO event.\n' "$ref"
  else
    printf '### GTO: `%s`\n\n' "$tag"
    printf '| event | artifact | version | stage | verified |\n'
    printf '| --- | --- | --- | --- | --- |\n'
    printf '| %s | %s | %s | %s | %s |\n' "$GTO_EVENT" "${GTO_NAME:-}" "${GTO_VERSION:--}" \
      "${GTO_STAGE:--}" "${GTO_VERIFIED:--}"
  fi
} >> "$summary"
