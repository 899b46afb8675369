/**
 * The app command that integ-runner runs for each test (see run.sh): `ts-node test/integ/run-app.ts <test file>`
 * synthesizes the test into CDK_OUTDIR and then, for integ-runner releases that need it, labels the cloud assembly
 * with the schema version they read.
 *
 * Why the label: integ-runner 2.197.10 (the newest release when this was written) bundles version 53 of the cloud
 * assembly schema and refuses assemblies of a later major version ("Cloud assembly schema version mismatch"), while
 * aws-cdk-lib 2.276.0 writes version 55. From 53 to 55 the schema only gained things this test does not use: a
 * manifest metadata entry type (`aws:cdk:propertyAssignment`, the stack traces of property assignments) and, in
 * integ.json, a test case's `allowDeleteFailures` and a further `requireApproval` value. An assembly without them is
 * a valid version-53 assembly; the label is all that differs. The bridge checks that they are absent and fails
 * otherwise, refuses a version it has not been checked against, and stands down for integ-runner releases after
 * 2.197.10: once integ-runner reads what aws-cdk-lib writes, delete it and call the test file directly.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The last integ-runner release known to read schema 53 at most. */
const LAST_RUNNER_NEEDING_BRIDGE = '2.197.10';
/** The schema version those releases read. */
const RUNNER_SCHEMA_VERSION = '53.0.0';
/** The newest schema major whose differences from 53 the bridge checks. */
const NEWEST_BRIDGED_MAJOR = 55;
/** Metadata entry types added to the schema after 53. */
const NEWER_METADATA_TYPES = ['aws:cdk:propertyAssignment'];

const testFile = process.argv[2];
if (testFile === undefined) {
  throw new Error('Usage: ts-node test/integ/run-app.ts <integ test file>');
}
// The test synthesizes its app when loaded, into CDK_OUTDIR as integ-runner sets it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(path.resolve(testFile));

const outdir = process.env.CDK_OUTDIR;
if (outdir !== undefined && compareVersions(runnerVersion(), LAST_RUNNER_NEEDING_BRIDGE) <= 0) {
  labelForRunner(outdir);
}

function runnerVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@aws-cdk/integ-runner/package.json') as { version: string }).version;
}

/** Rewrites the version of the assembly's manifests to the runner's, after checking that nothing newer is in them. */
function labelForRunner(dir: string): void {
  const files = fs.readdirSync(dir);
  const manifests = files.filter(file => file === 'manifest.json' || file === 'integ.json' || file.endsWith('.assets.json'));
  const metadataFiles = files.filter(file => file.endsWith('.metadata.json'));
  const versions = manifests.map(file => readJson(path.join(dir, file)).version as string);
  const majors = versions.map(version => Number(version.split('.')[0]));
  if (majors.every(major => major <= Number(RUNNER_SCHEMA_VERSION.split('.')[0]))) {
    return;
  }
  const unchecked = versions.filter((_, index) => majors[index] > NEWEST_BRIDGED_MAJOR);
  if (unchecked.length > 0) {
    throw new Error(`Cloud assembly schema ${unchecked[0]} is newer than the ${NEWEST_BRIDGED_MAJOR}.x this bridge was checked against. `
      + `Upgrade integ-runner, or compare the schema with version ${RUNNER_SCHEMA_VERSION} and update test/integ/run-app.ts.`);
  }
  for (const file of ['manifest.json', ...metadataFiles]) {
    const found = newerMetadataTypes(readJson(path.join(dir, file)));
    if (found.length > 0) {
      throw new Error(`${file} has metadata of type ${found.join(', ')}, which schema ${RUNNER_SCHEMA_VERSION} does not know.`);
    }
  }
  if (files.includes('integ.json')) {
    const testCases = Object.values(readJson(path.join(dir, 'integ.json')).testCases as Record<string, Record<string, unknown>>);
    if (testCases.some(testCase => 'allowDeleteFailures' in testCase || JSON.stringify(testCase).includes('"requireApproval"'))) {
      throw new Error(`integ.json uses allowDeleteFailures or requireApproval, which schema ${RUNNER_SCHEMA_VERSION} may not know.`);
    }
  }
  for (const file of manifests) {
    const manifest = readJson(path.join(dir, file));
    fs.writeFileSync(path.join(dir, file), JSON.stringify({ ...manifest, version: RUNNER_SCHEMA_VERSION }, undefined, 2));
  }
}

/** Metadata entry types of NEWER_METADATA_TYPES anywhere in a manifest or metadata file. */
function newerMetadataTypes(json: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (typeof value === 'object' && value !== null) {
      const type = (value as { type?: unknown }).type;
      if (typeof type === 'string' && NEWER_METADATA_TYPES.includes(type)) {
        found.add(type);
      }
      Object.values(value).forEach(visit);
    }
  };
  visit(json);
  return [...found];
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** Negative, zero or positive as `a` is before, equal to or after `b` (numeric `major.minor.patch`). */
function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map(version => version.split('-')[0].split('.').map(Number));
  for (let index = 0; index < 3; index++) {
    if (x[index] !== y[index]) {
      return (x[index] ?? 0) - (y[index] ?? 0);
    }
  }
  return 0;
}
