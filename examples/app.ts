import { App } from 'aws-cdk-lib';
import { addNagPacks, formatCompliance, NAG_PACKS, readCompliance, synthesizeAllowingFindings } from './compliance';
import { addExampleStacks, describePipeline } from './pipeline-stack';

// Synthesizes the dev, staging and prod pipelines offline into cdk.out/, checked by all five cdk-nag packs.
const outdir = process.env.CDK_OUTDIR ?? 'cdk.out';
// Synthesized once, below; CDK_OUTDIR alone would also make the app synthesize again on exit.
const app = new App({ outdir, autoSynth: false });
const stacks = addExampleStacks(app);
addNagPacks(app);

const started = process.hrtime.bigint();
synthesizeAllowingFindings(app);
const synthSeconds = Number(process.hrtime.bigint() - started) / 1e9;

const results = readCompliance(outdir, stacks.map(stack => stack.stackName));
results.forEach((result, index) => {
  console.log(`\n${formatCompliance(result)}`);
  console.log(describePipeline(stacks[index].pipeline).map(line => `  ${line}`).join('\n'));
});
console.log(`\nsynthesized ${results.length} stacks into ${outdir}/ in ${synthSeconds.toFixed(1)} s`);

const blocking = results.flatMap(result => result.findings);
if (blocking.length > 0) {
  console.error(`\n${blocking.length} unacknowledged finding(s) (${NAG_PACKS.join(', ')}):`);
  for (const finding of blocking) {
    console.error(`  ${finding.severity} ${finding.rule} at ${finding.path}`);
  }
  process.exitCode = 1;
}
