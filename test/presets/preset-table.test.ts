import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { FlinkApplicationCode, PipelinePreset, StreamingPipeline } from '../../src';
import { newStack, templateOf } from '../support/stack';

/**
 * The presets table of PRODUCT.md and the README, row by row, read from each preset's synthesized template. Each
 * pipeline turns on what is optional in every preset (HTTP ingestion, a shared reference cache, Flink code), so that
 * the preset alone decides what the table says.
 */
function presetTemplate(preset: PipelinePreset): { stack: Stack; template: Template } {
  const stack = newStack();
  const code = FlinkApplicationCode.fromBucket(s3.Bucket.fromBucketName(stack, 'Code', 'flink-code'), 'analytics.jar');
  new StreamingPipeline(stack, 'Pipeline', {
    preset,
    httpIngestion: {},
    processor: { referenceData: { sharedCache: {} } },
    analytics: { code },
  });
  return { stack, template: templateOf(stack) };
}

const PRESETS = { dev: PipelinePreset.DEV, staging: PipelinePreset.STAGING, prod: PipelinePreset.PROD };
const templates = Object.fromEntries(Object.entries(PRESETS).map(([name, preset]) => [name, presetTemplate(preset).template]));
const resources = (template: Template, type: string) => Object.values(template.findResources(type)).map(resource => resource.Properties);
const byPreset = <T>(read: (template: Template) => T) =>
  Object.fromEntries(Object.entries(templates).map(([name, template]) => [name, read(template)]));

describe('the presets table, row by row', () => {
  test('stream capacity: provisioned with 1 shard in dev, on-demand in staging and prod (both streams)', () => {
    expect(byPreset(template => resources(template, 'AWS::Kinesis::Stream').map(stream =>
      `${stream.StreamModeDetails.StreamMode}${stream.ShardCount ? ` x${stream.ShardCount}` : ''}`))).toEqual({
      dev: ['PROVISIONED x1', 'PROVISIONED x1'],
      staging: ['ON_DEMAND', 'ON_DEMAND'],
      prod: ['ON_DEMAND', 'ON_DEMAND'],
    });
  });

  test('retention: 24, 72 and 168 hours', () => {
    expect(byPreset(template => resources(template, 'AWS::Kinesis::Stream').map(stream => stream.RetentionPeriodHours)))
      .toEqual({ dev: [24, 24], staging: [72, 72], prod: [168, 168] });
  });

  test('enhanced fan-out: off in dev, on in staging and prod, the processor reading through the consumer', () => {
    expect(byPreset(template => resources(template, 'AWS::Kinesis::StreamConsumer').length)).toEqual({ dev: 0, staging: 1, prod: 1 });
    expect(byPreset(template => JSON.stringify(resources(template, 'AWS::Lambda::EventSourceMapping')[0].EventSourceArn).includes('Consumer')))
      .toEqual({ dev: false, staging: true, prod: true });
  });

  test('Flink analytics: only in prod, when code is given', () => {
    expect(byPreset(template => resources(template, 'AWS::KinesisAnalyticsV2::Application').length)).toEqual({ dev: 0, staging: 0, prod: 1 });
  });

  test('reference-data cache: one node in dev, primary and replica in staging, two shards with a replica each in prod', () => {
    expect(byPreset(template => resources(template, 'AWS::ElastiCache::ReplicationGroup').map(group => ({
      shards: group.NumNodeGroups ?? 1,
      nodesPerShard: group.NumCacheClusters ?? 1 + group.ReplicasPerNodeGroup,
      multiAz: group.MultiAZEnabled ?? false,
    })))).toEqual({
      dev: [{ shards: 1, nodesPerShard: 1, multiAz: false }],
      staging: [{ shards: 1, nodesPerShard: 2, multiAz: true }],
      prod: [{ shards: 2, nodesPerShard: 2, multiAz: true }],
    });
  });

  test('OpenSearch sink: off in dev; r6g.large x2 in staging; r6g.xlarge x3 with 3 dedicated masters in prod', () => {
    expect(byPreset(template => resources(template, 'AWS::OpenSearchService::Domain').map(domain => {
      const cluster = domain.ClusterConfig;
      return `${cluster.InstanceType} x${cluster.InstanceCount}${cluster.DedicatedMasterEnabled ? ` + ${cluster.DedicatedMasterCount} masters` : ''}`;
    }))).toEqual({
      dev: [],
      staging: ['r6g.large.search x2'],
      prod: ['r6g.xlarge.search x3 + 3 masters'],
    });
    // Sizing when used: dev turned on gets r6g.large x2.
    const devWithSearch = newStack();
    new StreamingPipeline(devWithSearch, 'Pipeline', { openSearch: {} });
    expect(resources(templateOf(devWithSearch), 'AWS::OpenSearchService::Domain').map(domain => domain.ClusterConfig))
      .toEqual([expect.objectContaining({ InstanceType: 'r6g.large.search', InstanceCount: 2, DedicatedMasterEnabled: false })]);
  });

  test('S3 data lake lifecycle: expire after 30 days, 365 days; Intelligent-Tiering with archive tiers after 90/365 days and expiry after 2,557 days', () => {
    const lakeBucket = (template: Template) => Object.entries(template.findResources('AWS::S3::Bucket'))
      .find(([logicalId]) => logicalId.startsWith('PipelineDataLakeBucket'))![1].Properties;
    const summary = byPreset(template => {
      const bucket = lakeBucket(template);
      type Rule = { ExpirationInDays?: number; Transitions?: Array<{ StorageClass: string; TransitionInDays: number }> };
      const rules: Rule[] = bucket.LifecycleConfiguration.Rules;
      return {
        expireAfterDays: rules.map(rule => rule.ExpirationInDays).filter(days => days !== undefined),
        transitions: rules.flatMap(rule => rule.Transitions ?? []).map(transition => `${transition.StorageClass}@${transition.TransitionInDays}`),
        archiveTiers: (bucket.IntelligentTieringConfigurations ?? [])
          .flatMap((configuration: { Tierings: Array<{ AccessTier: string; Days: number }> }) =>
            configuration.Tierings.map(tiering => `${tiering.AccessTier}@${tiering.Days}`)),
      };
    });
    expect(summary).toEqual({
      dev: { expireAfterDays: [30], transitions: [], archiveTiers: [] },
      staging: { expireAfterDays: [365], transitions: [], archiveTiers: [] },
      prod: { expireAfterDays: [2_557], transitions: ['INTELLIGENT_TIERING@0'], archiveTiers: ['ARCHIVE_ACCESS@90', 'DEEP_ARCHIVE_ACCESS@365'] },
    });
  });

  test('processor: batch 100, window 5 s, parallelization 4, reserved concurrency 100 in every preset', () => {
    expect(byPreset(template => {
      const [mapping] = resources(template, 'AWS::Lambda::EventSourceMapping');
      const processor = resources(template, 'AWS::Lambda::Function').find(fn => fn.Description?.startsWith('Validates and enriches'))!;
      return [mapping.BatchSize, mapping.MaximumBatchingWindowInSeconds, mapping.ParallelizationFactor, processor.ReservedConcurrentExecutions];
    })).toEqual({ dev: [100, 5, 4, 100], staging: [100, 5, 4, 100], prod: [100, 5, 4, 100] });
  });

  test('processor memory and timeout, deduplication, WAF on the HTTP API: the preset\'s', () => {
    expect(byPreset(template => {
      const processor = resources(template, 'AWS::Lambda::Function').find(fn => fn.Description?.startsWith('Validates and enriches'))!;
      return {
        memory: processor.MemorySize,
        timeout: processor.Timeout,
        deduplication: Object.keys(processor.Environment.Variables).some(name => name.startsWith('DEDUP')),
        webAcls: resources(template, 'AWS::WAFv2::WebACL').length,
      };
    })).toEqual({
      dev: { memory: 256, timeout: 60, deduplication: false, webAcls: 0 },
      staging: { memory: 1_024, timeout: 120, deduplication: false, webAcls: 0 },
      prod: { memory: 1_024, timeout: 120, deduplication: true, webAcls: 1 },
    });
  });

  test('networking in every preset: isolated subnets in 2 zones (3 for prod\'s search domain), no NAT gateway, endpoints, every function in the VPC', () => {
    expect(byPreset(template => ({
      subnets: resources(template, 'AWS::EC2::Subnet').length,
      natGateways: resources(template, 'AWS::EC2::NatGateway').length,
      interfaceEndpoints: resources(template, 'AWS::EC2::VPCEndpoint').filter(endpoint => endpoint.VpcEndpointType === 'Interface').length,
      gatewayEndpoints: resources(template, 'AWS::EC2::VPCEndpoint').filter(endpoint => endpoint.VpcEndpointType === 'Gateway').length,
      functionsOutsideVpc: Object.entries(template.findResources('AWS::Lambda::Function'))
        .filter(([id, fn]) => fn.Properties.VpcConfig === undefined && !id.startsWith('CustomVpcRestrictDefaultSG')).length,
    }))).toEqual({
      dev: { subnets: 2, natGateways: 0, interfaceEndpoints: 2, gatewayEndpoints: 2, functionsOutsideVpc: 0 },
      staging: { subnets: 2, natGateways: 0, interfaceEndpoints: 2, gatewayEndpoints: 2, functionsOutsideVpc: 0 },
      prod: { subnets: 3, natGateways: 0, interfaceEndpoints: 2, gatewayEndpoints: 2, functionsOutsideVpc: 0 },
    });
  });
});
