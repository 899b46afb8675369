import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { PipelineStack } from '../../examples/pipeline-stack';
import { PipelinePreset } from '../../src';

// The Python and Java examples must synthesize the same dev pipeline as TypeScript. Their templates come from
// test/bindings/run.sh, which runs examples/python/app.py and examples/java with the built wheel and jar.

const STACK = 'streaming-pipeline-dev';
const ROOT = path.join(__dirname, '..', '..');
const MAX_REPORTED_DIFFERENCES = 25;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Removes what legitimately differs between environments: content hashes of assets (they depend on the asset
 * files each build packaged) and the construct-path and asset metadata the CDK CLI uses. Everything else counts.
 */
function normalize(template: Json): Json {
  const ASSET_HASH = /\b[0-9a-f]{64}\b/g;
  const ENVIRONMENT_METADATA = (key: string) => key === 'aws:cdk:path' || key.startsWith('aws:asset:');
  const walk = (value: Json, key?: string, parentKey?: string): Json => {
    if (typeof value === 'string') return value.replace(ASSET_HASH, '<asset-hash>');
    if (Array.isArray(value)) return value.map(item => walk(item));
    if (value === null || typeof value !== 'object') return value;
    const isResourceMetadata = key === 'Metadata' && parentKey !== undefined;
    const entries = Object.entries(value)
      .filter(([k]) => !(isResourceMetadata && ENVIRONMENT_METADATA(k)))
      .map(([k, v]) => [k, walk(v, k, key)] as const)
      .filter(([k, v]) => !(k === 'Metadata' && isEmptyObject(v)));
    return Object.fromEntries(entries);
  };
  return walk(template);
}

function isEmptyObject(value: Json): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
}

/** The JSON paths where two values differ, each with both values, e.g. `Resources.X.Properties.Y: ... != ...`. */
function differences(expected: Json, actual: Json, at = '$'): string[] {
  const isObject = (v: Json) => v !== null && typeof v === 'object';
  if (isObject(expected) && isObject(actual) && Array.isArray(expected) === Array.isArray(actual)) {
    const e = expected as Record<string, Json>;
    const a = actual as Record<string, Json>;
    const keys = [...new Set([...Object.keys(e), ...Object.keys(a)])];
    return keys.flatMap(key => {
      const child = Array.isArray(expected) ? `${at}[${key}]` : `${at}.${key}`;
      if (!(key in a)) return [`${child}: only in TypeScript: ${show(e[key])}`];
      if (!(key in e)) return [`${child}: not in TypeScript: ${show(a[key])}`];
      return differences(e[key], a[key], child);
    });
  }
  return JSON.stringify(expected) === JSON.stringify(actual) ? [] : [`${at}: TypeScript ${show(expected)} != ${show(actual)}`];
}

function show(value: Json): string {
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function typescriptTemplate(): Json {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindings-ts-'));
  try {
    const app = new App({ outdir });
    new PipelineStack(app, STACK, { preset: PipelinePreset.DEV });
    app.synth();
    return JSON.parse(fs.readFileSync(path.join(outdir, `${STACK}.template.json`), 'utf8'));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function bindingTemplate(language: string): Json {
  const file = path.join(ROOT, '.bindings', `${language}.out`, `${STACK}.template.json`);
  if (!fs.existsSync(file)) {
    throw new Error(`${path.relative(ROOT, file)} is missing: run test/bindings/run.sh and test/bindings/peer-floor.sh first (after npx projen package-all).`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

describe('the Python and Java bindings, and JavaScript at the peer floor, synthesize the TypeScript dev pipeline', () => {
  let expected: Json;
  beforeAll(() => {
    expected = normalize(typescriptTemplate());
  });

  test('the normalization keeps the pipeline', () => {
    const resources = (expected as { Resources: Record<string, { Type: string }> }).Resources;
    const types = Object.values(resources).map(resource => resource.Type);
    expect(types).toEqual(expect.arrayContaining(['AWS::Kinesis::Stream', 'AWS::Lambda::Function', 'AWS::KinesisFirehose::DeliveryStream']));
    expect(JSON.stringify(expected)).not.toMatch(/aws:cdk:path|[0-9a-f]{64}/);
  });

  // javascript-peer-floor: the packed npm package with the lowest aws-cdk-lib its peer dependency accepts.
  test.each(['python', 'java', 'javascript-peer-floor'])('%s', language => {
    const actual = normalize(bindingTemplate(language));
    const found = differences(expected, actual);
    const shown = found.slice(0, MAX_REPORTED_DIFFERENCES);
    if (found.length > shown.length) shown.push(`... and ${found.length - shown.length} more`);
    expect(shown).toEqual([]);
    expect(actual).toStrictEqual(expected);
  });
});
