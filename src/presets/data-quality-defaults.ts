/**
 * The data-quality defaults, kept free of aws-cdk-lib so that the CLI's `quality` command bundles them: the checks a
 * team runs by hand are the ones the scheduled ruleset runs. `DEFAULTS.dataQuality` is this object.
 */
export const DATA_QUALITY_DEFAULTS = {
  /** The seed's unique event id: complete and unique. */
  idField: 'event_id',
  /** The seed's event time, whose values must come after `notBefore`. */
  timestampField: 'timestamp',
  /** The seed's check: `(df['timestamp'] > '2024-01-01').all()`. */
  notBefore: '2024-01-01',
} as const;
