import { DEFAULT_MAX_RETRIES, DEFAULT_PARTITION_KEYS, ENDPOINT_ENV, MAX_MAX_RETRIES, PROGRAM, QUALITY_DEFAULTS, S3_ENDPOINT_ENV } from './args';
import { MAX_IN_FLIGHT } from './pacing';
import { DUPLICATE_EXAMPLES } from './quality';
import { SEED_EVENT_TEMPLATE } from './template';
import { dataQualityRules, dqdlRule } from '../../src/quality/data-quality-rules';

export const PROGRAM_HELP = `Usage: ${PROGRAM} <command> [options]

Tools for running a cdk-streaming-pipeline pipeline.

Commands:
  load            put generated records on a Kinesis data stream at a steady rate (a load test)
  quality         run the data lake's data-quality checks on Parquet files in a folder or under an S3 prefix

Options:
  -h, --help      show this help; '${PROGRAM} <command> --help' for a command's options
  -V, --version   show the version

Exit codes: 0 success, 1 the command failed, 2 bad arguments, 3 (quality) the data could not be read.
`;

export const LOAD_HELP = `Usage: ${PROGRAM} load --stream <name|arn> --rate <records/s> --duration <duration> [options]

Puts generated records on a Kinesis data stream at a steady rate with PutRecords (up to 500 records and
5 MiB a request), sending again only the entries Kinesis rejects, and reports what got in. The seed's
load test (rate=10000 duration=10m):
  ${PROGRAM} load --stream <name> --rate 10000 --duration 10m

Required:
  --stream <name|arn>      the stream: a name, or an ARN (whose region is used)
  --rate <records/s>       records per second, a positive integer; never exceeded
  --duration <duration>    how long to send: 30s, 10m, 1h, 1h30m, 1500ms (a bare number is seconds)

Options:
  --template <file.json>   a JSON object to send instead of the seed event; placeholders below
  --partition-keys <n>     distinct users the records are spread over at random (default: ${DEFAULT_PARTITION_KEYS});
                           the user is each record's partition key
  --max-retries <n>        times a rejected entry is sent again, with exponential backoff and jitter,
                           before it counts as failed: 0 to ${MAX_MAX_RETRIES} (default: ${DEFAULT_MAX_RETRIES})
  --region <region>        AWS region (default: the ARN's, else AWS_REGION or the profile's)
  --endpoint-url <url>     Kinesis endpoint, e.g. a local kinesalite (default: ${ENDPOINT_ENV}, else AWS)
  -h, --help               show this help
  Credentials come from the AWS SDK's default chain (environment, profile, SSO, instance role).

Records: the seed event, with a fresh event_id, the current time and one of the users:
  ${JSON.stringify(SEED_EVENT_TEMPLATE, undefined, 2).replace(/\n/g, '\n  ')}

Placeholders, in the string values of a template:
  {{uuid}}                 a random UUID, new at each occurrence
  {{timestamp}}            when the record is made: ISO-8601, UTC, milliseconds
  {{epoch_ms}}             the same time in milliseconds since 1970-01-01
  {{user}}                 the record's user, user-0 to user-<n-1>: also its partition key
  {{sequence}}             the record's position in the run, from 0
  {{random_int:MIN:MAX}}   a random integer from MIN to MAX inclusive, new at each occurrence
  {{choice:A|B|C}}         one of the options at random, new at each occurrence
  A string that is exactly one {{epoch_ms}}, {{sequence}} or {{random_int:MIN:MAX}} becomes a JSON number.
  A template whose records could exceed 1 MiB (data and partition key) is refused.

Output: a progress line on stderr every second (rewritten in place on a terminal): elapsed time, records
sent, records failed, throttled entry attempts, entries resent, achieved rate, PutRecords latency p50/p99
over the last second and requests in flight (at most ${MAX_IN_FLIGHT}). A summary on stdout at the end.

Ctrl-C or SIGTERM stops: no new requests, requests in flight are awaited, their retries abandoned (those
records count as not sent), then the summary. A second Ctrl-C exits at once.

Exit codes: 0 every record was sent, 1 some records failed or were not sent (or the stream cannot be used),
2 bad arguments.
`;

export const QUALITY_HELP = `Usage: ${PROGRAM} quality --path <folder|file|s3://bucket/prefix> [options]

Runs the data lake's data-quality checks by hand on Parquet files: the rules of the Glue Data Quality ruleset
that the construct schedules, named as there. With the defaults, the seed's ruleset:
  ${dataQualityRules(QUALITY_DEFAULTS).map(dqdlRule).join('\n  ')}
On what Firehose wrote to the data lake bucket (under data/, a prefix per hour):
  ${PROGRAM} quality --path s3://<data-lake-bucket>/data/

Required:
  --path <location>            a folder (every file under it, recursively), one file, or s3://<bucket>/<prefix>
                               (every object under the prefix)

Options:
  --not-before <YYYY-MM-DD>    timestamps must come after midnight UTC of this day (default: ${QUALITY_DEFAULTS.notBefore})
  --id-column <column>         the column that must be complete and unique (default: ${QUALITY_DEFAULTS.idColumn})
  --timestamp-column <column>  the column that must come after --not-before (default: ${QUALITY_DEFAULTS.timestampColumn})
  --required-columns <a,b,c>   the columns that must be complete, comma-separated
                               (default: ${QUALITY_DEFAULTS.requiredColumns.join(',')})
  --region <region>            the bucket's AWS region, for an s3:// --path (default: AWS_REGION or the profile's)
  --endpoint-url <url>         S3 endpoint for an s3:// --path, e.g. a local S3, addressed path-style
                               (default: ${S3_ENDPOINT_ENV}, else AWS)
  -h, --help                   show this help
  Columns are named as in the data lake table, in lower case: the seed's timestamp field is the column
  event_timestamp (timestamp is a Hive reserved word). Credentials for S3 come from the AWS SDK's default
  chain (environment, profile, SSO, instance role).

Rules, as Glue Data Quality evaluates them over every row of every file:
  IsComplete "c"                   no row has a null c; a file without the column is null in each row
  IsUnique "c"                     no value of c is in more than one row, across all the files (nulls are
                                   IsComplete's to find)
  ColumnValues "c" > "YYYY-MM-DD"  every row's c is a time after midnight UTC of the day; null fails
  Timestamps may be INT96 (as Firehose writes them), INT64 TIMESTAMP_MILLIS/MICROS/NANOS, DATE, or ISO-8601
  strings (UTC when they name no zone).

Files: a file is Parquet when it starts and ends with PAR1, whatever its name; other files (a manifest,
_SUCCESS) are skipped and counted. Compression GZIP, SNAPPY or none. A file named *.parquet or starting
with PAR1 that is not readable Parquet stops the run with an error naming it.

Output, on stdout: a line per rule, PASS or FAIL, with the rows evaluated and those that fail (for
IsComplete and ColumnValues the first failing file and row, from 0; for IsUnique up to ${DUPLICATE_EXAMPLES} of the
values found more than once), then a line with the rules passed and failed, the rows and the files. With
0 rows every rule passes, and a warning on stderr says so. Ctrl-C stops after the row group being read and
reports the rows read so far.

Exit codes: 0 every rule passed, 1 a rule failed (or the run was stopped), 2 bad arguments, 3 the data could
not be checked: a file or the S3 prefix cannot be read, or the path holds no Parquet file.
`;
