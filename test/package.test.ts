import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');

describe('npm package', () => {
  let files: string[];

  beforeAll(() => {
    expect(fs.existsSync(path.join(root, 'lib', 'index.js'))).toBe(true);
    const destination = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-'));
    try {
      const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], { cwd: root, encoding: 'utf-8' }));
      const listing = execFileSync('tar', ['-tzf', path.join(destination, packed.filename)], { encoding: 'utf-8' });
      files = listing.split('\n').filter(Boolean).map(file => file.replace(/^package\//, ''));
    } finally {
      fs.rmSync(destination, { recursive: true, force: true });
    }
  });

  test('ships every pre-bundled handler, so consumers need neither esbuild nor Docker', () => {
    expect(files).toEqual(expect.arrayContaining(['enrichment-processor', 'firehose-transformer', 'search-domain-access']
      .map(handler => `assets/${handler}/index.js`)));
  });

  test('ships the compiled library and its jsii manifest', () => {
    expect(files).toEqual(expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', '.jsii', 'LICENSE', 'README.md']));
  });

  test('leaves out handler sources, tests, examples and build metadata', () => {
    expect(files.filter(file => /^(lambda-src|test|examples|src|cdk\.out)\//.test(file) || file.endsWith('.meta.json'))).toEqual([]);
  });
});
