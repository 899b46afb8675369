import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { addNagPacks, readCompliance, StackCompliance, synthesizeAllowingFindings } from '../../examples/compliance';

/**
 * Synthesizes the stacks that `build` adds to a fresh app with all five cdk-nag packs registered, and returns
 * each stack's unacknowledged findings and acknowledgements.
 */
export function synthesizeWithNagPacks(build: (app: App) => Array<{ stackName: string }>): StackCompliance[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-'));
  try {
    const app = new App({ outdir });
    const stacks = build(app);
    addNagPacks(app);
    synthesizeAllowingFindings(app);
    return readCompliance(outdir, stacks.map(stack => stack.stackName));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
