/** Request quotas: items per request, bytes per request, and bytes per item. */
export interface ChunkLimits {
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly maxEntryBytes: number;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}

/** Greedy split in input order that keeps each request within its item and byte quotas. */
export function chunkBySize<T>(items: readonly T[], sizeOf: (item: T) => number, limits: ChunkLimits, what: string): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (size > limits.maxEntryBytes) {
      // One oversized item would make the service reject every other item in its request.
      throw new RangeError(`${what} is ${size} bytes, over the ${limits.maxEntryBytes}-byte limit`);
    }
    if (current.length === limits.maxRecords || currentBytes + size > limits.maxBytes) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += size;
  }
  if (current.length > 0) {
    chunks.push(current);
  }
  return chunks;
}
