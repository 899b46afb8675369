#!/usr/bin/env bash
# Synthesizes the dev pipeline from the Python and Java examples with the built bindings, into
# .bindings/python.out/ and .bindings/java.out/, for test/bindings/templates.test.ts to compare with TypeScript.
# Needs dist/ from `npx projen package-all`. Run from anywhere; each run starts from a fresh virtualenv.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="$ROOT/.bindings"

shopt -s nullglob
wheels=(dist/python/*.whl)
jars=(dist/java/io/github/cdkstreamingpipeline/cdk-streaming-pipeline/*/*.jar)
shopt -u nullglob
if [ "${#wheels[@]}" -ne 1 ] || [ "${#jars[@]}" -eq 0 ]; then
  echo "run.sh: expected one wheel in dist/python/ and the jar in dist/java/; build them with: npx projen package-all" >&2
  exit 1
fi

# Prints the seconds since the given start (from `date +%s.%N`).
elapsed() { awk -v start="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f s", now - start }'; }

mkdir -p "$OUT"
rm -rf "$OUT/venv" "$OUT/python.out" "$OUT/java.out"

started=$(date +%s.%N)
python3 -m venv "$OUT/venv"
"$OUT/venv/bin/pip" install --quiet "${wheels[0]}" -r examples/python/requirements.txt
echo "python: venv + pip install: $(elapsed "$started")"

started=$(date +%s.%N)
CDK_OUTDIR="$OUT/python.out" "$OUT/venv/bin/python" examples/python/app.py
echo "python: synth: $(elapsed "$started")"

started=$(date +%s.%N)
# Maven keeps the 0.0.0 jar it copied from dist/java/ in the local repository and never fetches a release again:
# drop that copy so a rebuilt jar is used.
mvn -q -B -f examples/java/pom.xml org.apache.maven.plugins:maven-dependency-plugin:3.8.1:purge-local-repository \
  -DmanualInclude=io.github.cdkstreamingpipeline:cdk-streaming-pipeline -DreResolve=false
CDK_OUTDIR="$OUT/java.out" mvn -q -B -f examples/java/pom.xml compile exec:java
echo "java: compile + synth: $(elapsed "$started")"

for lang in python java; do
  test -s "$OUT/$lang.out/streaming-pipeline-dev.template.json" || { echo "run.sh: $lang wrote no template" >&2; exit 1; }
done
echo "templates in .bindings/python.out/ and .bindings/java.out/; compare them with:"
echo "  npx jest --testPathIgnorePatterns /node_modules/ --testMatch '<rootDir>/test/bindings/**/*.test.ts'"
bash "$ROOT/test/bindings/readme-python.sh"
