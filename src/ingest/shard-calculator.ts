import { validateIntegerInRange } from '../internal/validation';

/**
 * Expected traffic of a stream, for sizing a provisioned stream.
 */
export interface ThroughputRequirements {
  /**
   * Data written per second, in MB.
   *
   * @default 0
   */
  readonly writeMegabytesPerSecond?: number;
  /**
   * Records written per second.
   *
   * @default 0
   */
  readonly writeRecordsPerSecond?: number;
  /**
   * Standard (shared-throughput) consumers, each of which reads everything written. Enhanced fan-out
   * consumers have throughput of their own and do not count.
   *
   * @default 1
   */
  readonly standardConsumers?: number;
  /**
   * Data read per second by all standard consumers together, in MB.
   *
   * @default - writeMegabytesPerSecond x standardConsumers
   */
  readonly readMegabytesPerSecond?: number;
  /**
   * Extra capacity on top of the computed need, in percent, for peaks and uneven partition keys.
   *
   * @default 0
   */
  readonly headroomPercent?: number;
}

/**
 * The per-shard limit that decides a shard count.
 */
export enum ShardLimit {
  /** 1 MB/s of writes per shard. */
  WRITE_BYTES = 'write-bytes',
  /** 1,000 records/s of writes per shard. */
  WRITE_RECORDS = 'write-records',
  /** 2 MB/s of reads per shard, shared by the standard consumers. */
  READ_BYTES = 'read-bytes',
}

/**
 * A shard count and how it was reached.
 */
export interface ShardEstimate {
  /** Shards to provision: the largest need, plus headroom, at least 1. */
  readonly shardCount: number;
  /** Shards needed before headroom. */
  readonly requiredShards: number;
  /** The limit that needs the most shards. */
  readonly dominantLimit: ShardLimit;
  /** Shards needed for the write data rate. */
  readonly shardsForWriteBytes: number;
  /** Shards needed for the write record rate. */
  readonly shardsForWriteRecords: number;
  /** Shards needed for the read data rate of the standard consumers. */
  readonly shardsForReadBytes: number;
  /** One sentence a reviewer can check, e.g. `6 shards: write 5 MB/s needs 5 (at 1 MB/s per shard, dominant), ...`. */
  readonly explanation: string;
}

// Floating-point inputs such as 0.1 + 0.2 must not tip a whole number of shards over to the next one.
const EPSILON = 1e-9;

/**
 * Sizes a provisioned Kinesis stream from expected traffic, with the per-shard limits of Kinesis Data Streams:
 * writes 1 MB/s or 1,000 records/s, reads 2 MB/s shared by standard consumers. Pure: it creates nothing.
 *
 * The pattern's example: 5 MB/s needs 5 shards; with 20 % headroom, 6.
 */
export class ShardCalculator {
  /** Write data rate one shard accepts, in MB/s. */
  public static readonly WRITE_MEGABYTES_PER_SHARD = 1;
  /** Write record rate one shard accepts, in records/s. */
  public static readonly WRITE_RECORDS_PER_SHARD = 1000;
  /** Read data rate one shard serves to all standard consumers together, in MB/s. */
  public static readonly READ_MEGABYTES_PER_SHARD = 2;

  /**
   * The shard count for the given traffic.
   */
  public static estimate(requirements: ThroughputRequirements): ShardEstimate {
    const writeMegabytes = nonNegative('writeMegabytesPerSecond', requirements.writeMegabytesPerSecond ?? 0);
    const writeRecords = nonNegative('writeRecordsPerSecond', requirements.writeRecordsPerSecond ?? 0);
    const consumers = requirements.standardConsumers ?? 1;
    validateIntegerInRange('ThroughputRequirements.standardConsumers', consumers, 0, 1_000);
    const readMegabytes = nonNegative('readMegabytesPerSecond', requirements.readMegabytesPerSecond ?? writeMegabytes * consumers);
    const headroom = requirements.headroomPercent ?? 0;
    validateIntegerInRange('ThroughputRequirements.headroomPercent', headroom, 0, 1_000);

    const needs: Array<[ShardLimit, number]> = [
      [ShardLimit.WRITE_BYTES, shardsFor(writeMegabytes, ShardCalculator.WRITE_MEGABYTES_PER_SHARD)],
      [ShardLimit.WRITE_RECORDS, shardsFor(writeRecords, ShardCalculator.WRITE_RECORDS_PER_SHARD)],
      [ShardLimit.READ_BYTES, shardsFor(readMegabytes, ShardCalculator.READ_MEGABYTES_PER_SHARD)],
    ];
    const [dominantLimit, requiredShards] = needs.reduce((most, need) => (need[1] > most[1] ? need : most));
    // Integer arithmetic: 5 * 1.2 in floating point is 6.000000000000001, which would round up to 7.
    const shardCount = Math.max(1, Math.ceil((requiredShards * (100 + headroom)) / 100));

    const [writeBytesNeed, writeRecordsNeed, readBytesNeed] = needs.map(([, shards]) => shards);
    const dominant = (limit: ShardLimit) => (limit === dominantLimit && requiredShards > 0 ? ', dominant' : '');
    const explanation = `${shardCount} shard${shardCount === 1 ? '' : 's'}: `
      + `write ${writeMegabytes} MB/s needs ${writeBytesNeed} (at ${ShardCalculator.WRITE_MEGABYTES_PER_SHARD} MB/s per shard${dominant(ShardLimit.WRITE_BYTES)}), `
      + `write ${writeRecords} records/s needs ${writeRecordsNeed} (at ${ShardCalculator.WRITE_RECORDS_PER_SHARD} records/s per shard${dominant(ShardLimit.WRITE_RECORDS)}), `
      + `read ${readMegabytes} MB/s by ${consumers} standard consumer${consumers === 1 ? '' : 's'} needs ${readBytesNeed} `
      + `(at ${ShardCalculator.READ_MEGABYTES_PER_SHARD} MB/s per shard${dominant(ShardLimit.READ_BYTES)}); `
      + `${requiredShards} required, ${headroom} % headroom${requiredShards === 0 ? ', at least 1' : ''}.`;

    return {
      shardCount,
      requiredShards,
      dominantLimit,
      shardsForWriteBytes: writeBytesNeed,
      shardsForWriteRecords: writeRecordsNeed,
      shardsForReadBytes: readBytesNeed,
      explanation,
    };
  }

  private constructor() {}
}

function shardsFor(rate: number, perShard: number): number {
  return Math.max(0, Math.ceil(rate / perShard - EPSILON));
}

function nonNegative(prop: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`Invalid ThroughputRequirements.${prop}: ${value}. Allowed: a finite number from 0.`);
  }
  return value;
}
