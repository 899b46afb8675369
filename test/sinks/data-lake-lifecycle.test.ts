import { Duration } from 'aws-cdk-lib';
import { DataLakeLifecycle } from '../../src';

describe('DataLakeLifecycle', () => {
  test('expireAfter deletes at the age given and keeps objects in S3 Standard', () => {
    const lifecycle = DataLakeLifecycle.expireAfter(Duration.days(30));
    expect(lifecycle.expiration?.toDays()).toBe(30);
    expect(lifecycle.archiveAfter).toBeUndefined();
    expect(lifecycle._intelligentTieringConfigurations()).toBeUndefined();
    expect(lifecycle._lifecycleRules({ tiering: true })).toEqual([{
      id: 'data-lake-lifecycle',
      expiration: Duration.days(30),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
      noncurrentVersionExpiration: Duration.days(30),
      transitions: undefined,
    }]);
  });

  test('intelligentTiering moves objects at once and archives them by the default or given tiers', () => {
    const lifecycle = DataLakeLifecycle.intelligentTiering({ expireAfter: Duration.days(2_557) });
    expect(lifecycle._lifecycleRules({ tiering: true })[0]).toMatchObject({
      expiration: Duration.days(2_557),
      transitions: [{ storageClass: { value: 'INTELLIGENT_TIERING' }, transitionAfter: Duration.days(0) }],
    });
    // Buckets that are not tiered (the access logs) only expire.
    expect(lifecycle._lifecycleRules({ tiering: false })[0].transitions).toBeUndefined();
    expect(lifecycle._intelligentTieringConfigurations()).toEqual([{
      name: 'data-lake-archive', archiveAccessTierTime: Duration.days(90), deepArchiveAccessTierTime: Duration.days(365),
    }]);
    const custom = DataLakeLifecycle.intelligentTiering({ archiveAfter: Duration.days(120), deepArchiveAfter: Duration.days(200) });
    expect([custom.archiveAfter?.toDays(), custom.deepArchiveAfter?.toDays(), custom.expiration]).toEqual([120, 200, undefined]);
  });

  test('retainForever only cleans up incomplete uploads and old versions', () => {
    const [rule] = DataLakeLifecycle.retainForever()._lifecycleRules({ tiering: true });
    expect(rule.expiration).toBeUndefined();
    expect(rule.transitions).toBeUndefined();
    expect(rule.noncurrentVersionExpiration).toEqual(Duration.days(30));
  });

  test.each([
    [() => DataLakeLifecycle.expireAfter(Duration.hours(36)), 'Invalid DataLakeLifecycle.expireAfter expiration: 1.5 days. Allowed: a whole number of days from 1.'],
    [() => DataLakeLifecycle.expireAfter(Duration.days(0)), 'Invalid DataLakeLifecycle.expireAfter expiration: 0 days'],
    [() => DataLakeLifecycle.intelligentTiering({ archiveAfter: Duration.days(30) }),
      'Invalid DataLakeLifecycle.intelligentTiering.archiveAfter: 30 days. Allowed: a whole number of days from 90 to 730.'],
    [() => DataLakeLifecycle.intelligentTiering({ deepArchiveAfter: Duration.days(800) }),
      'Invalid DataLakeLifecycle.intelligentTiering.deepArchiveAfter: 800 days. Allowed: a whole number of days from 180 to 730.'],
    [() => DataLakeLifecycle.intelligentTiering({ archiveAfter: Duration.days(200), deepArchiveAfter: Duration.days(180) }),
      'Invalid DataLakeLifecycle.intelligentTiering.deepArchiveAfter: 180 days. Allowed: more days than archiveAfter (200).'],
  ])('rejects %#', (create, message) => {
    expect(create).toThrow(message);
  });
});
