/** Units from the largest to the smallest: a duration names each at most once, in this order (1h30m, not 30m1h). */
const UNITS: ReadonlyArray<readonly [string, number]> = [['h', 3_600_000], ['m', 60_000], ['s', 1_000], ['ms', 1]];

const BARE_SECONDS = /^\d+$/;
// 'ms' is tried before 'm' so that 500ms is not read as 500 minutes followed by a stray 's'.
const COMPONENT = /(\d+)(ms|h|m|s)/y;

/**
 * Milliseconds in a duration such as `30s`, `10m`, `1h30m` or `1500ms` (a bare number is seconds), or undefined
 * when the text is not one, or is zero.
 */
export function parseDuration(text: string): number | undefined {
  if (BARE_SECONDS.test(text)) {
    return positiveSafe(Number(text) * 1_000);
  }
  let total = 0;
  let position = 0;
  let smallestUnitSoFar = -1;
  while (position < text.length) {
    COMPONENT.lastIndex = position;
    const match = COMPONENT.exec(text);
    if (match === null) {
      return undefined;
    }
    const unitIndex = UNITS.findIndex(([unit]) => unit === match[2]);
    if (unitIndex <= smallestUnitSoFar) {
      return undefined;
    }
    smallestUnitSoFar = unitIndex;
    total += Number(match[1]) * UNITS[unitIndex][1];
    position = COMPONENT.lastIndex;
  }
  return positiveSafe(total);
}

function positiveSafe(ms: number): number | undefined {
  return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
}

/** `m:ss`, or `h:mm:ss` from an hour on, to the nearest second: the progress line's clock. */
export function formatClock(ms: number): string {
  const totalSeconds = Math.round(ms / 1_000);
  const hours = Math.floor(totalSeconds / 3_600);
  const minutes = Math.floor(totalSeconds / 60) % 60;
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
