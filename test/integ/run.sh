#!/usr/bin/env bash
# The end-to-end test (test/integ/integ.*.ts) with integ-runner.
#
#   bash test/integ/run.sh            offline: synthesizes each test and compares the stack under test with the
#                                     committed snapshot (<test>.snapshot/); fails on any difference. No AWS
#                                     account, credentials or network needed.
#   bash test/integ/run.sh update     offline: writes the snapshot anew (integ-runner's --dry-run: nothing is
#                                     deployed); review and commit the changes of <test>.snapshot/.
#   bash test/integ/run.sh deploy [integ-runner options...]
#                                     against an account: deploys the test's stacks, runs its assertions, destroys
#                                     the stacks and, when all passed, writes the snapshot. Needs credentials and
#                                     AWS_REGION (or AWS_DEFAULT_REGION); AWS_PROFILE is passed on as --profiles.
#                                     Further options go to integ-runner, e.g. --no-clean to keep the stacks, -vv.
#
# The Lambda handlers of the pipeline are synthesized from assets/: run `npx projen bundle` first (the projen
# tasks do).
set -euo pipefail

cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$PATH"

mode="${1:-check}"
[ $# -gt 0 ] && shift

if [ ! -f assets/enrichment-processor/index.js ]; then
  echo "assets/ has no bundled handlers: run 'npx projen bundle' first" >&2
  exit 1
fi

# run-app.ts loads the test file (ts-node without a second type check: the typecheck task checks test/) and
# bridges the cloud assembly schema version for the integ-runner release in use (see run-app.ts).
runner=(integ-runner --directory test/integ --language typescript
  --app "ts-node --transpile-only --project tsconfig.dev.json test/integ/run-app.ts {filePath}")

# integ-runner copies the assertion stack's Lambda bundles into the snapshot; the comparison reads only the
# templates and manifests, so the bundles are removed (and ignored by test/integ/.gitignore).
remove_snapshot_assets() {
  find test/integ -path '*.snapshot/asset.*' -prune -exec rm -rf {} +
}

case "$mode" in
  check)
    "${runner[@]}" "$@"
    ;;
  update)
    trap remove_snapshot_assets EXIT
    log="$(mktemp)"
    status=0
    "${runner[@]}" --update-on-failed --dry-run "$@" 2>&1 | tee "$log" || status=$?
    # integ-runner writes the snapshot and then exits non-zero when the change replaces or removes resources
    # ("destructive changes", listed above): that is for the reviewer of the snapshot, not a failed update.
    if [ "$status" -ne 0 ] && grep -q 'Some changes were destructive' "$log" && ! grep -q 'Some integration tests failed' "$log"; then
      echo "Snapshot updated; it replaces or removes the resources listed above: check that this is intended."
      status=0
    fi
    rm -f "$log"
    exit "$status"
    ;;
  deploy)
    region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
    if [ -z "$region" ]; then
      echo "deploy needs AWS_REGION (or AWS_DEFAULT_REGION) and credentials for that account" >&2
      exit 1
    fi
    profiles=()
    [ -n "${AWS_PROFILE:-}" ] && profiles=(--profiles "$AWS_PROFILE")
    trap remove_snapshot_assets EXIT
    # --force runs the test even when the snapshot matches; --update-on-failed deploys it.
    "${runner[@]}" --update-on-failed --force --parallel-regions "$region" ${profiles[@]+"${profiles[@]}"} "$@"
    ;;
  *)
    echo "usage: bash test/integ/run.sh [check | update | deploy [integ-runner options...]]" >&2
    exit 2
    ;;
esac
