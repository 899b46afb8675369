import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { validateDurationInRange } from '../internal/validation';
import { DEFAULTS } from '../presets/defaults';

/**
 * Archive tiers and expiry of an Intelligent-Tiering data lake.
 */
export interface IntelligentTieringLifecycleOptions {
  /**
   * Days without access after which an object moves to the Archive Access tier, from 90 to 730.
   *
   * @default Duration.days(90)
   */
  readonly archiveAfter?: Duration;
  /**
   * Days without access after which an object moves to the Deep Archive Access tier, from 180 to 730 and after
   * `archiveAfter`.
   *
   * @default Duration.days(365)
   */
  readonly deepArchiveAfter?: Duration;
  /**
   * Age at which objects are deleted.
   *
   * @default - never
   */
  readonly expireAfter?: Duration;
}

/**
 * How long the data lake keeps objects and in which storage class: the presets' choice per environment, or your own.
 */
export class DataLakeLifecycle {
  /**
   * Objects stay in S3 Standard and are deleted at the given age; the presets' choice for dev (30 days) and staging
   * (365 days).
   */
  public static expireAfter(age: Duration): DataLakeLifecycle {
    return new DataLakeLifecycle('DataLakeLifecycle.expireAfter', age);
  }

  /**
   * Objects move to S3 Intelligent-Tiering as they are written, and from there to its archive tiers when unread;
   * the prod preset's choice (archive after 90 and 365 days, deleted after 7 years). Archived objects must be
   * restored before Athena can read them.
   */
  public static intelligentTiering(options: IntelligentTieringLifecycleOptions = {}): DataLakeLifecycle {
    const defaults = DEFAULTS.dataLakeLifecycle;
    return new DataLakeLifecycle('DataLakeLifecycle.intelligentTiering', options.expireAfter, {
      archiveAfter: options.archiveAfter ?? defaults.archiveAfter,
      deepArchiveAfter: options.deepArchiveAfter ?? defaults.deepArchiveAfter,
    });
  }

  /** Objects are never deleted by age and stay in S3 Standard. */
  public static retainForever(): DataLakeLifecycle {
    return new DataLakeLifecycle('DataLakeLifecycle.retainForever');
  }

  /**
   * Age at which objects are deleted.
   *
   * @default - never
   */
  public readonly expiration?: Duration;
  /**
   * Days without access before the Archive Access tier, when the lifecycle uses Intelligent-Tiering.
   *
   * @default - no Intelligent-Tiering
   */
  public readonly archiveAfter?: Duration;
  /**
   * Days without access before the Deep Archive Access tier, when the lifecycle uses Intelligent-Tiering.
   *
   * @default - no Intelligent-Tiering
   */
  public readonly deepArchiveAfter?: Duration;

  private constructor(prop: string, expiration?: Duration, tiers?: { archiveAfter: Duration; deepArchiveAfter: Duration }) {
    const defaults = DEFAULTS.dataLakeLifecycle;
    const days = expiration === undefined || expiration.isUnresolved() ? 1 : expiration.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 1) {
      throw new Error(`Invalid ${prop} expiration: ${days} days. Allowed: a whole number of days from 1.`);
    }
    if (tiers !== undefined) {
      const { archiveDaysRange, deepArchiveDaysRange } = defaults;
      validateDurationInRange(`${prop}.archiveAfter`, tiers.archiveAfter, archiveDaysRange.min, archiveDaysRange.max, 'days');
      validateDurationInRange(`${prop}.deepArchiveAfter`, tiers.deepArchiveAfter, deepArchiveDaysRange.min, deepArchiveDaysRange.max, 'days');
      if (tiers.deepArchiveAfter.toDays() <= tiers.archiveAfter.toDays()) {
        throw new Error(`Invalid ${prop}.deepArchiveAfter: ${tiers.deepArchiveAfter.toDays()} days. `
          + `Allowed: more days than archiveAfter (${tiers.archiveAfter.toDays()}).`);
      }
    }
    this.expiration = expiration;
    this.archiveAfter = tiers?.archiveAfter;
    this.deepArchiveAfter = tiers?.deepArchiveAfter;
  }

  /**
   * The rules of a bucket with this lifecycle. Every rule also removes incomplete multipart uploads and, since the
   * buckets are versioned, deletes noncurrent versions after a recovery window, so that expired data really goes.
   *
   * @internal
   */
  public _lifecycleRules(options: { readonly tiering: boolean }): s3.LifecycleRule[] {
    const defaults = DEFAULTS.dataLakeLifecycle;
    return [{
      id: 'data-lake-lifecycle',
      expiration: this.expiration,
      abortIncompleteMultipartUploadAfter: defaults.abortIncompleteUploadsAfter,
      noncurrentVersionExpiration: defaults.noncurrentVersionRetention,
      transitions: options.tiering && this.archiveAfter !== undefined
        ? [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(0) }]
        : undefined,
    }];
  }

  /** @internal */
  public _intelligentTieringConfigurations(): s3.IntelligentTieringConfiguration[] | undefined {
    return this.archiveAfter === undefined ? undefined : [{
      name: 'data-lake-archive',
      archiveAccessTierTime: this.archiveAfter,
      deepArchiveAccessTierTime: this.deepArchiveAfter,
    }];
  }
}
