import { App } from 'aws-cdk-lib';
import { addExampleStacks, describePipeline, EXAMPLE_TRAFFIC } from '../examples/pipeline-stack';
import { CostEstimator, PipelinePreset } from '../src';

describe('the example table: capacity, components and estimated cost per stack', () => {
  const [dev, staging, prod] = addExampleStacks(new App()).map(stack => describePipeline(stack.pipeline));

  test('capacity follows the preset', () => {
    expect(dev[0]).toBe('streams: provisioned, 1 shard(s)');
    expect(staging[0]).toBe('streams: on-demand');
    expect(prod[0]).toBe('streams: on-demand');
  });

  test('components are those the stack creates; an existing domain is not costed', () => {
    expect(dev[1]).toBe('components: ingest, processor, data lake, httpIngestion, OpenSearch sink (existing domain)');
    expect(prod[1]).toBe('components: ingest, processor, data lake, httpIngestion, openSearch, redshift, flinkAnalytics');
  });

  test('the cost is the CostEstimator\'s for the example traffic and the stack\'s components', () => {
    const total = CostEstimator.estimate({
      ...EXAMPLE_TRAFFIC,
      preset: PipelinePreset.PROD,
      httpIngestion: true,
      openSearch: true,
      redshift: true,
      flinkAnalytics: true,
      referenceData: false,
      referenceCache: false,
    }).totalMonthlyUsd;
    expect(prod[2]).toContain(`$${total.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} `);
  });
});
