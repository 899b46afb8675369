/**
 * Synthesis time of each example stack, run with `npx projen bench` (reported, not asserted: timings depend on the
 * machine). Each preset is built in an app of its own and synthesized into a temporary folder, without and with the
 * five cdk-nag packs, next to a baseline measured in the same run: one aws-cdk-lib stack with a Kinesis stream, a
 * Lambda function in a new VPC and a Firehose delivery stream to S3, built by hand (without nag packs, whose findings
 * on it would flood the output). Every stack is synthesized once before measuring, so module loading is not counted;
 * medians of RUNS runs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { addNagPacks, synthesizeAllowingFindings } from '../../examples/compliance';
import { EXAMPLE_PRESETS, PipelineStack } from '../../examples/pipeline-stack';

const RUNS = 5;

function baselineStack(app: App): Stack {
  const stack = new Stack(app, 'baseline');
  const stream = new kinesis.Stream(stack, 'Stream');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const fn = new lambda.Function(stack, 'Function', {
    code: lambda.Code.fromInline('exports.handler = async () => {}'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X, vpc,
  });
  stream.grantWrite(fn);
  new firehose.DeliveryStream(stack, 'Delivery', {
    source: new firehose.KinesisStreamSource(stream), destination: new firehose.S3Bucket(new s3.Bucket(stack, 'Bucket')),
  });
  return stack;
}

/** Milliseconds to build one stack in a new app and synthesize it, the median of RUNS runs. */
function medianSynthMs(build: (app: App) => Stack, withNag: boolean): { ms: number; resources: number } {
  const times: number[] = [];
  let resources = 0;
  for (let run = 0; run < RUNS; run++) {
    const outdir = mkdtempSync(join(tmpdir(), 'synth-bench-'));
    try {
      const started = process.hrtime.bigint();
      const app = new App({ outdir });
      if (withNag) {
        addNagPacks(app);
      }
      const stack = build(app);
      synthesizeAllowingFindings(app);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      resources = Object.keys(JSON.parse(readFileSync(join(outdir, `${stack.stackName}.template.json`), 'utf-8')).Resources).length;
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }
  return { ms: times.sort((a, b) => a - b)[Math.floor(RUNS / 2)], resources };
}

const rows: Array<[string, (app: App) => Stack]> = [
  ['baseline (hand-written: stream, VPC function, Firehose to S3)', baselineStack],
  ...EXAMPLE_PRESETS.map((preset): [string, (app: App) => Stack] => [`streaming-pipeline-${preset.name}`,
    (app: App) => new PipelineStack(app, `streaming-pipeline-${preset.name}`, { preset })]),
];
for (const [, build] of rows) {
  medianSynthMs(build, false);
}
const baseline = medianSynthMs(rows[0][1], false).ms;
console.log(`synthesis, median of ${RUNS} runs (build + synth into a temporary folder):`);
console.log('  stack                                                          resources   synth ms   x baseline   with 5 nag packs ms');
for (const [index, [name, build]] of rows.entries()) {
  const plain = medianSynthMs(build, false);
  const nag = index === 0 ? { ms: Number.NaN } : medianSynthMs(build, true);
  console.log(`  ${name.padEnd(62)} ${String(plain.resources).padStart(9)} ${plain.ms.toFixed(0).padStart(10)}`
    + ` ${(plain.ms / baseline).toFixed(1).padStart(12)} ${(Number.isNaN(nag.ms) ? '-' : nag.ms.toFixed(0)).padStart(21)}`);
}
