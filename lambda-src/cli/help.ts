import { DEFAULT_MAX_RETRIES, DEFAULT_PARTITION_KEYS, ENDPOINT_ENV, MAX_MAX_RETRIES, PROGRAM } from './args';
import { MAX_IN_FLIGHT } from './pacing';
import { SEED_EVENT_TEMPLATE } from './template';

export const PROGRAM_HELP = `Usage: ${PROGRAM} <command> [options]

Tools for running a cdk-streaming-pipeline pipeline.

Commands:
  load            put generated records on a Kinesis data stream at a steady rate (a load test)

Options:
  -h, --help      show this help; '${PROGRAM} load --help' for the command's options
  -V, --version   show the version

Exit codes: 0 success, 1 the command failed, 2 bad arguments.
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
