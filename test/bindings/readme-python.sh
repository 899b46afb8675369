#!/usr/bin/env bash
# Runs every ```python block of README.md against the built wheel, so that the Python examples stay true.
#
# Each block runs in its own namespace after this prelude, which the README states once under "Usage > Python":
#
#     from aws_cdk import App, Stack
#     app = App()                      # here: App(outdir=<a fresh temporary directory>)
#     stack = Stack(app, "Example")
#
# and then `app.synth()` is called (on the block's own `app` when it makes one; not when the block created no construct,
# e.g. the cost estimate). A block fails when it raises, or when the synthesized assembly carries an error annotation
# (what makes `cdk synth` fail). A block whose fence is
# directly preceded by the line `<!-- readme-python: compile-only -->` is only compiled, not run: code that is not
# a CDK app, such as the prelude itself and the Lambda handler under "Bring your own handler"
# (test/processing/custom-handler-contract.test.ts runs that one).
#
# All blocks run in one Python process (one jsii kernel: starting it and loading aws-cdk-lib is most of the time);
# a failing block is reported with its README line numbers and the others still run. Apps without an outdir (blocks
# that make their own) synthesize into a fresh temporary directory of their own, as CDK_OUTDIR is unset; every
# temporary directory is under one folder removed on exit.
#
# Needs the virtualenv that test/bindings/run.sh creates (.bindings/venv, with the wheel from dist/python) and the
# bundled handlers in assets/ (`npx projen bundle`). Usage: bash test/bindings/readme-python.sh [markdown file]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
README="$(realpath "${1:-$ROOT/README.md}")"
PYTHON="$ROOT/.bindings/venv/bin/python"
if [ ! -x "$PYTHON" ]; then
  echo "readme-python.sh: no $PYTHON; create it with: bash test/bindings/run.sh (needs dist/ from npx projen package-all)" >&2
  exit 1
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
started=$(date +%s.%N)
# From the repository, so that failures name README.md by its path there.
cd "$ROOT"
status=0
env -u CDK_OUTDIR TMPDIR="$WORK" "$PYTHON" - "$README" "$WORK" <<'PY' || status=$?
import os
import re
import sys
import tempfile
import traceback

readme_path, work = sys.argv[1], sys.argv[2]
if not os.path.relpath(readme_path).startswith(".."):
    readme_path = os.path.relpath(readme_path)
MARKER = "<!-- readme-python: compile-only -->"
FENCE = re.compile(r"^(\s*)```python\s*$")

# (fence line, first code line, code, compile only), with README line numbers from 1.
blocks = []
lines = open(readme_path, encoding="utf-8").read().split("\n")
i = 0
while i < len(lines):
    match = FENCE.match(lines[i])
    if not match:
        i += 1
        continue
    indent, fence_line = match.group(1), i + 1
    previous = next((line.strip() for line in reversed(lines[:i]) if line.strip()), "")
    i += 1
    code = []
    while i < len(lines) and lines[i].strip() != "```":
        code.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i].lstrip())
        i += 1
    if i == len(lines):
        sys.exit(f"{readme_path}:{fence_line}: python block without a closing fence")
    blocks.append((fence_line, fence_line + 1, "\n".join(code) + "\n", previous == MARKER))
    i += 1

if not blocks:
    sys.exit(f"{readme_path}: no python block")

from aws_cdk import App, Stack, cx_api  # noqa: E402  (after parsing: a README error is reported without the kernel)

failures = []
for fence_line, first_line, code, compile_only in blocks:
    where = f"{readme_path}:{fence_line}"
    try:
        # Blank lines in front, so that tracebacks and syntax errors give the README's line numbers.
        compiled = compile("\n" * (first_line - 1) + code, readme_path, "exec")
        if compile_only:
            print(f"ok       {where} (compiled only)", flush=True)
            continue
        app = App(outdir=tempfile.mkdtemp(prefix="readme-python-", dir=work))
        namespace = {"__name__": "__main__", "app": app, "stack": Stack(app, "Example")}
        exec(compiled, namespace)
        if not any(child.node.children for child in namespace["app"].node.children):
            print(f"ok       {where} (no construct to synthesize)", flush=True)
            continue
        assembly = namespace["app"].synth()
        errors = [
            f"{message.id}: {message.entry.data}"
            for artifact in assembly.stacks_recursively
            for message in artifact.messages
            if message.level == cx_api.SynthesisMessageLevel.ERROR
        ]
        if errors:
            raise RuntimeError("error annotations:\n  " + "\n  ".join(errors))
        print(f"ok       {where}", flush=True)
    except BaseException:  # noqa: B036  (SystemExit from a block is a failure too)
        failures.append(where)
        print(f"FAILED   {where} (python block, lines {first_line}-{first_line + code.count(chr(10)) - 1})", flush=True)
        traceback.print_exc(file=sys.stdout)

print(f"{len(blocks)} python blocks, {len(failures)} failed" + ("".join(f"\n  {f}" for f in failures)))
sys.exit(1 if failures else 0)
PY
elapsed=$(awk -v start="$started" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f s", now - start }')
echo "readme-python: $elapsed"
exit "$status"
