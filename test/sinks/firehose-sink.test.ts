import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IngestStream, S3DataLakeSink } from '../../src';
import { newStack } from '../support/stack';

describe('FirehoseSink', () => {
  // S3DataLakeSink stands for every sink: the base class supplies these members.
  function sink() {
    const stack = newStack();
    return { stack, sink: new S3DataLakeSink(stack, 'DataLake', { sourceStream: new IngestStream(stack, 'Enriched').stream }) };
  }

  test.each([
    ['metricIncomingRecords', 'DataReadFromKinesisStream.Records', 'Sum'],
    ['metricSourceLag', 'KinesisMillisBehindLatest', 'Maximum'],
    ['metricDeliverySuccess', 'DeliveryToS3.Success', 'Average'],
    ['metricDataFreshness', 'DeliveryToS3.DataFreshness', 'Maximum'],
  ] as const)('%s: %s (%s) of this delivery stream', (method, metricName, statistic) => {
    const { stack, sink: s } = sink();
    const metric = s[method]();
    expect([metric.namespace, metric.metricName, metric.statistic]).toEqual(['AWS/Firehose', metricName, statistic]);
    expect(stack.resolve(metric.dimensions)).toEqual({ DeliveryStreamName: stack.resolve(s.deliveryStreamName) });
    expect(stack.resolve(s.deliveryStreamName)).toEqual({ Ref: expect.stringMatching(/^DataLakeDeliveryStream/) });
  });

  test('metricDeliveryLag: the larger of freshness (s) and source lag (ms, in s)', () => {
    const { sink: s } = sink();
    const lag = s.metricDeliveryLag();
    expect(lag.expression).toBe('MAX([freshness, sourceLag / 1000])');
    expect(Object.fromEntries(Object.entries(lag.usingMetrics).map(([id, metric]) => [id, (metric as cloudwatch.Metric).metricName])))
      .toEqual({ freshness: 'DeliveryToS3.DataFreshness', sourceLag: 'KinesisMillisBehindLatest' });
  });

  test('metric options win over the defaults', () => {
    const metric = sink().sink.metricDataFreshness({ statistic: 'p99' });
    expect(metric.statistic).toBe('p99');
  });

  test('the error log group and the bucket share the sink key', () => {
    const { stack, sink: s } = sink();
    expect(Stack.of(s.encryptionKey)).toBe(stack);
    expect(stack.resolve((s.logGroup.node.defaultChild as { kmsKeyId?: string }).kmsKeyId)).toEqual(stack.resolve(s.encryptionKey.keyArn));
  });
});
