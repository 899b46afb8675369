#!/usr/bin/env bash
# Lints the templates of the example app (cdk.out/, written by `npx projen example`) with cfn-lint from PyPI.
# Fails on any error or warning: the three templates must be clean (see README, Compliance).
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.58.0
venv=.bindings/cfn-lint
if ! "$venv/bin/cfn-lint" --version 2>/dev/null | grep -q "$version"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "cfn-lint==$version"
fi
shopt -s nullglob
templates=(cdk.out/streaming-pipeline-*.template.json)
if [ "${#templates[@]}" -ne 3 ]; then
  echo "lint-templates: expected the three example templates in cdk.out/; run: npx projen example" >&2
  exit 1
fi
status=0
findings=$("$venv/bin/cfn-lint" --format parseable -- "${templates[@]}") || status=$?
[ -z "$findings" ] || echo "$findings"
# cfn-lint's exit status is a bit mask: 2 = errors, 4 = warnings, 8 = informational; anything odd is a crash.
errors=$(grep -c ':E[0-9]' <<<"$findings" || true)
warnings=$(grep -c ':W[0-9]' <<<"$findings" || true)
echo "cfn-lint $version: ${#templates[@]} templates, $errors errors, $warnings warnings"
if (( status & 7 )); then
  exit 1
fi
