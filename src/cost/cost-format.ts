/**
 * Whole cents of an amount, rounding half up as the seed does ($3.565 is $3.57). The detour through a fixed decimal
 * string keeps binary fractions from rounding a half down: 1.005 x 100 is 100.49999999999999 in floating point.
 */
export function toCents(usd: number): number {
  return Math.round(Number((usd * 100).toFixed(6)));
}

/** A quantity with thousands separators and at most `maxDecimals` decimals, without trailing zeros: `1,587.2`. */
export function formatNumber(value: number, maxDecimals: number = 2): string {
  const [whole, fraction] = value.toFixed(maxDecimals).split('.');
  const trimmed = (fraction ?? '').replace(/0+$/, '');
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (trimmed === '' ? '' : `.${trimmed}`);
}

/** An amount in dollars and cents: `$1,216.42`. */
export function formatUsd(usd: number): string {
  const cents = toCents(usd);
  return `$${formatNumber(Math.floor(cents / 100), 0)}.${String(cents % 100).padStart(2, '0')}`;
}

/** A unit price with every decimal it has, and at least two: `$0.014`, `$0.0000133334`, `$3.50`. */
export function formatPrice(usd: number): string {
  // Exponent notation (1e-7) hides the decimals; 12 covers every price AWS lists.
  const decimals = /e/.test(String(usd)) ? 12 : (String(usd).split('.')[1] ?? '').length;
  const text = formatNumber(usd, Math.min(20, decimals));
  const fraction = text.split('.')[1] ?? '';
  return `$${fraction.length >= 2 ? text : `${text.split('.')[0]}.${fraction.padEnd(2, '0')}`}`;
}

/** `1 shard`, `2 shards`. */
export function counted(count: number, noun: string): string {
  return `${formatNumber(count)} ${noun}${count === 1 ? '' : 's'}`;
}
