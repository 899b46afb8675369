import * as s3 from 'aws-cdk-lib/aws-s3';
import { CostComponent, CostEstimate, CostEstimator, FlinkApplicationCode, PipelinePreset, StreamingPipeline } from '../../src';
import { newStack, templateOf } from '../support/stack';

/**
 * The counts the cost model assumes (alarms, alarm metrics, composite alarms, dashboards, keys, interface endpoints
 * and zones) against what the constructs synthesize for the same preset and components, so that a construct that
 * adds an alarm or an endpoint cannot leave the estimate behind.
 */
const SEED = { recordsPerDay: 10_000_000, averageRecordSizeBytes: 1_000 };

function formulaOf(estimate: CostEstimate, component: CostComponent, name: string): string {
  return estimate.lines.find(l => l.component === component)!.items.find(i => i.name === name)!.formula;
}

/** The first integer of a formula after the given text, e.g. `(9 alarms)` -> 9. */
function countIn(formula: string, pattern: RegExp): number {
  const match = pattern.exec(formula);
  if (match === null) {
    throw new Error(`"${formula}" does not match ${pattern}`);
  }
  return Number(match[1].replace(/,/g, ''));
}

describe.each([
  ['DEV', PipelinePreset.DEV, false],
  ['DEV with HTTP ingestion', PipelinePreset.DEV, true],
  ['STAGING with HTTP ingestion', PipelinePreset.STAGING, true],
  ['PROD with HTTP ingestion and Flink', PipelinePreset.PROD, true],
])('the cost model counts what %s synthesizes', (_name, preset, http) => {
  const stack = newStack();
  const code = FlinkApplicationCode.fromBucket(s3.Bucket.fromBucketName(stack, 'Code', 'flink-code'), 'analytics.jar');
  new StreamingPipeline(stack, 'Pipeline', { preset, httpIngestion: http ? {} : undefined, analytics: { code } });
  const template = templateOf(stack);
  const estimate = CostEstimator.estimate({ ...SEED, preset, httpIngestion: http });
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));

  test('alarms, and the metrics they are billed by (each metric of a math alarm counts)', () => {
    const formula = formulaOf(estimate, CostComponent.CLOUDWATCH, 'Alarms');
    expect(countIn(formula, /\((\d+) alarms\)/)).toBe(alarms.length);
    const metrics = alarms.map(alarm => (alarm.Properties.Metrics ?? [{ MetricStat: {} }])
      .filter((metric: { MetricStat?: unknown }) => metric.MetricStat !== undefined).length);
    expect(countIn(formula, /^(\d+) alarm metrics/)).toBe(metrics.reduce((sum, count) => sum + count, 0));
  });

  test('one composite alarm, one dashboard, one key', () => {
    expect(countIn(formulaOf(estimate, CostComponent.CLOUDWATCH, 'Composite alarm'), /^(\d+) x/))
      .toBe(Object.keys(template.findResources('AWS::CloudWatch::CompositeAlarm')).length);
    expect(countIn(formulaOf(estimate, CostComponent.CLOUDWATCH, 'Dashboard'), /^(\d+) x/))
      .toBe(Object.keys(template.findResources('AWS::CloudWatch::Dashboard')).length);
    expect(countIn(formulaOf(estimate, CostComponent.KMS, 'Customer-managed key'), /^(\d+) key/))
      .toBe(Object.keys(template.findResources('AWS::KMS::Key')).length);
  });

  test('interface endpoints, and the zones they are in', () => {
    const formula = formulaOf(estimate, CostComponent.VPC, 'Interface endpoint hours');
    const interfaceEndpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint'))
      .filter(endpoint => endpoint.Properties.VpcEndpointType === 'Interface');
    expect(countIn(formula, /^(\d+) endpoints/)).toBe(interfaceEndpoints.length);
    expect(countIn(formula, /x (\d+) Availability Zones/)).toBe(interfaceEndpoints[0].Properties.SubnetIds.length);
  });
});
