import { Duration } from 'aws-cdk-lib';
import { StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { PipelinePreset, SearchDomainSize } from '../../src';

describe('PipelinePreset', () => {
  // The rows of PRODUCT.md's preset table that this release implements.
  test.each([
    [PipelinePreset.DEV, 'dev', StreamMode.PROVISIONED, 1, 24, false, 256, 60],
    [PipelinePreset.STAGING, 'staging', StreamMode.ON_DEMAND, undefined, 72, true, 1024, 120],
    [PipelinePreset.PROD, 'prod', StreamMode.ON_DEMAND, undefined, 168, true, 1024, 120],
  ])('%#: %s', (preset, name, streamMode, shardCount, retentionHours, enhancedFanOut, memoryMiB, timeoutSeconds) => {
    expect(preset.name).toBe(name);
    expect(preset.settings.enhancedFanOut).toBe(enhancedFanOut);
    expect(preset.settings.streamMode).toBe(streamMode);
    expect(preset.settings.shardCount).toBe(shardCount);
    expect(preset.settings.retentionPeriod.toHours()).toBe(retentionHours);
    expect(preset.settings.processorMemorySize).toBe(memoryMiB);
    expect(preset.settings.processorTimeout?.toSeconds()).toBe(timeoutSeconds);
  });

  test.each([
    [PipelinePreset.DEV, 30, undefined, undefined],
    [PipelinePreset.STAGING, 365, undefined, undefined],
    [PipelinePreset.PROD, 2_557, 90, 365],
  ])('data lake lifecycle %#: expire after %p days, archive tiers after %p / %p days', (preset, expireDays, archiveDays, deepArchiveDays) => {
    const lifecycle = preset.settings.dataLakeLifecycle!;
    expect(lifecycle.expiration?.toDays()).toBe(expireDays);
    expect(lifecycle.archiveAfter?.toDays()).toBe(archiveDays);
    expect(lifecycle.deepArchiveAfter?.toDays()).toBe(deepArchiveDays);
  });

  test.each([
    [PipelinePreset.DEV, false, SearchDomainSize.STANDARD],
    [PipelinePreset.STAGING, true, SearchDomainSize.STANDARD],
    [PipelinePreset.PROD, true, SearchDomainSize.PRODUCTION],
  ])('OpenSearch %#: on %p, new domains of the table\'s size', (preset, openSearch, size) => {
    expect(preset.settings.openSearch).toBe(openSearch);
    expect(preset.settings.searchDomainSize).toBe(size);
  });

  test('custom presets carry their settings', () => {
    const preset = PipelinePreset.custom('load-test', {
      streamMode: StreamMode.PROVISIONED,
      shardCount: 8,
      retentionPeriod: Duration.hours(48),
    });
    expect(preset.name).toBe('load-test');
    expect(preset.settings.shardCount).toBe(8);
  });

  test('a provisioned preset without a shard count is rejected', () => {
    expect(() => PipelinePreset.custom('broken', { streamMode: StreamMode.PROVISIONED, retentionPeriod: Duration.hours(24) }))
      .toThrow('Invalid PipelinePreset "broken": streamMode PROVISIONED needs a shardCount');
  });
});
