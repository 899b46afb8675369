import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EnrichmentProcessor, IngestStream, PipelinePreset, ReferenceCache, ReferenceCacheSize, StreamingPipeline } from '../../src';
import { synthesizeWithNagPacks } from '../support/compliance';
import { functionEnvironment, iamStatementsIn, newStack, processorStack, templateOf } from '../support/stack';

const vpcIn = (stack: Stack) => new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });

describe('EnrichmentProcessor shared reference cache', () => {
  test('a new Valkey cache in the processor\'s subnets; the handler gets its endpoint, IAM user and TTL', () => {
    const stack = newStack();
    const { processor, template } = processorStack({ vpc: vpcIn(stack), referenceData: { sharedCache: { ttl: Duration.minutes(5) } } }, stack);

    expect(processor.referenceCache).toBeInstanceOf(ReferenceCache);
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { Engine: 'valkey', NumCacheClusters: 2, TransitEncryptionEnabled: true });
    expect(functionEnvironment(template)).toEqual(expect.objectContaining({
      REFERENCE_CACHE_ENDPOINT: expect.anything(),
      REFERENCE_CACHE_TLS: 'true',
      REFERENCE_CACHE_CLUSTER_MODE: 'false',
      REFERENCE_CACHE_USER: expect.anything(),
      REFERENCE_CACHE_IAM_AUTH_NAME: expect.anything(),
      REFERENCE_CACHE_KEY_PREFIX: 'profile:',
      REFERENCE_SHARED_CACHE_TTL_SECONDS: '300',
    }));
  });

  test('the function may connect as the cache user and reach the cache port', () => {
    const stack = newStack();
    const { processor, template } = processorStack({ vpc: vpcIn(stack), referenceData: { sharedCache: {} } }, stack);

    expect(iamStatementsIn(template).filter(s => JSON.stringify(s.Action).includes('elasticache:'))).toEqual([
      expect.objectContaining({ Action: 'elasticache:Connect', Resource: expect.arrayContaining([expect.anything(), expect.anything()]) }),
    ]);
    const cachePort = processor.referenceCache!.endpointPort;
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: cachePort,
      ToPort: cachePort,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ProcessorSecurityGroup'), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      FromPort: cachePort,
      DestinationSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ProcessorReferenceCache'), 'GroupId'] },
    });
  });

  test('uses an existing cache as given', () => {
    const stack = newStack();
    const vpc = vpcIn(stack);
    const cache = new ReferenceCache(stack, 'Shared', { vpc, size: ReferenceCacheSize.SINGLE_NODE });
    const { processor, template } = processorStack({ vpc, referenceData: { sharedCache: { cache } } }, stack);

    expect(processor.referenceCache).toBe(cache);
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
  });

  test('rejects a shared cache without a VPC, and a size together with an existing cache', () => {
    expect(() => processorStack({ referenceData: { sharedCache: {} } }))
      .toThrow('Invalid EnrichmentProcessorProps.referenceData.sharedCache: given without vpc.');
    const stack = newStack();
    const vpc = vpcIn(stack);
    const cache = new ReferenceCache(stack, 'Shared', { vpc });
    expect(() => processorStack({ vpc, referenceData: { sharedCache: { cache, size: ReferenceCacheSize.CLUSTER } } }, stack))
      .toThrow('Invalid EnrichmentProcessorProps.referenceData.sharedCache: size or nodeType given with cache.');
    expect(() => processorStack({ vpc: vpcIn(newStack()), referenceData: { sharedCache: { ttl: Duration.days(2) } } }))
      .toThrow('Invalid EnrichmentProcessorProps.referenceData.sharedCache.ttl: 172800 seconds.');
  });

  test('a pipeline\'s cache takes its shape from the preset: one node in dev, primary and replica in staging, two shards in prod', () => {
    const shapeOf = (preset: PipelinePreset) => {
      const stack = newStack();
      new StreamingPipeline(stack, 'Pipeline', { preset, processor: { referenceData: { sharedCache: {} } } });
      const group = Object.values(templateOf(stack).findResources('AWS::ElastiCache::ReplicationGroup'))[0].Properties;
      return [group.NumNodeGroups ?? 1, group.NumCacheClusters ?? 1 + group.ReplicasPerNodeGroup];
    };

    expect([PipelinePreset.DEV, PipelinePreset.STAGING, PipelinePreset.PROD].map(shapeOf)).toEqual([[1, 1], [1, 2], [2, 2]]);
  });

  test('cdk-nag: no unacknowledged finding under a processor with a shared cache', () => {
    const [result] = synthesizeWithNagPacks((app: App) => {
      const stack = new Stack(app, 'processor-with-cache');
      new EnrichmentProcessor(stack, 'Processor', {
        sourceStream: new IngestStream(stack, 'Source').stream,
        destinationStream: new IngestStream(stack, 'Destination').stream,
        referenceData: { sharedCache: {} },
        vpc: vpcIn(stack),
      });
      return [stack];
    });

    expect(result.findings.filter(finding => finding.path.startsWith(`${result.stackName}/Processor/`))).toEqual([]);
  });
});
