import { App } from 'aws-cdk-lib';
import { addExampleStacks, describePipeline } from '../examples/pipeline-stack';

describe('the example table: capacity, components and estimated cost per stack', () => {
  const [dev, staging, prod] = addExampleStacks(new App()).map(stack => describePipeline(stack.pipeline));

  test('capacity follows the preset', () => {
    expect(dev[0]).toBe('streams: provisioned, 1 shard(s)');
    expect(staging[0]).toBe('streams: on-demand');
    expect(prod[0]).toBe('streams: on-demand');
  });

  test('components are those the stack creates; an existing domain is not costed', () => {
    expect(dev[1]).toBe('components: ingest, processor, data lake, httpIngestion, dataQuality, OpenSearch sink (existing domain, not in the estimate)');
    expect(prod[1]).toBe('components: ingest, processor, data lake, httpIngestion, openSearch, redshift, flinkAnalytics, dataQuality');
  });

  test('each stack states its estimated monthly cost, larger with each stage', () => {
    const costs = [dev, staging, prod].map(lines => {
      const match = /^estimated monthly cost at 10,000,000 records\/day of 1000 B \(CostEstimator\): \$([\d,]+\.\d\d) \(prices of \d{4}-\d\d\)$/.exec(lines[2]);
      expect(match).not.toBeNull();
      return Number(match![1].replace(/,/g, ''));
    });
    expect(costs[0]).toBeGreaterThan(0);
    expect(costs[1]).toBeGreaterThan(costs[0]);
    expect(costs[2]).toBeGreaterThan(costs[1]);
  });
});
