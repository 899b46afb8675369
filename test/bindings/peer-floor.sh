#!/usr/bin/env bash
# Synthesizes the example's dev stack with the packed npm package (dist/js) and the lowest aws-cdk-lib that its
# peer dependency accepts, into .bindings/javascript-peer-floor.out/, for test/bindings/templates.test.ts to
# compare with the TypeScript template built on the development version.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
shopt -s nullglob
packages=(dist/js/cdk-streaming-pipeline@*.jsii.tgz)
shopt -u nullglob
if [ "${#packages[@]}" -ne 1 ]; then
  echo "peer-floor.sh: expected one package in dist/js/; build it with: npx projen package:js" >&2
  exit 1
fi
floor=$(node -p "require('./package.json').peerDependencies['aws-cdk-lib'].replace(/^\^/, '')")
constructs=$(node -p "require('./package.json').peerDependencies.constructs.replace(/^\^/, '')")
work="$ROOT/.bindings/peer-floor"
out="$ROOT/.bindings/javascript-peer-floor.out"
rm -rf "$work" "$out"
mkdir -p "$work"

started=$(date +%s)
(cd "$work" && echo '{ "name": "peer-floor-app", "private": true }' > package.json \
  && npm install --no-audit --no-fund --loglevel=error "aws-cdk-lib@$floor" "constructs@$constructs" "$ROOT/${packages[0]}")
# The example imports the library from ../src; here it must come from the installed package instead.
node -e '
  require("esbuild").build({
    entryPoints: ["test/bindings/peer-floor-app.ts"],
    outfile: process.argv[1],
    bundle: true, platform: "node", target: "node20", format: "cjs", logLevel: "error",
    external: ["aws-cdk-lib", "constructs"],
    plugins: [{
      name: "library-from-package",
      setup(build) {
        build.onResolve({ filter: /\/src$/ }, () => ({ path: "cdk-streaming-pipeline", external: true }));
      },
    }],
  }).catch(() => process.exit(1));
' "$work/app.js"
(cd "$work" && CDK_OUTDIR="$out" node app.js)
test -s "$out/streaming-pipeline-dev.template.json" || { echo "peer-floor.sh: no template written" >&2; exit 1; }
echo "javascript at aws-cdk-lib $floor: install + synth: $(( $(date +%s) - started )) s"
