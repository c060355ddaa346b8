/**
 * The rows of each key, in the order of `keys`, in one pass: batch loaders answer in the order
 * they were asked. Rows keep their order within a key; a key without rows gets an empty list.
 */
export function groupBy<R>(
  keys: readonly string[],
  rows: readonly R[],
  keyOf: (row: R) => string,
): R[][] {
  const byKey = new Map<string, R[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = byKey.get(key);
    if (list) {
      list.push(row);
    } else {
      byKey.set(key, [row]);
    }
  }
  return keys.map((key) => byKey.get(key) ?? []);
}

/** The row of each key (or null), in the order of `keys`. */
export function indexBy<R>(
  keys: readonly string[],
  rows: readonly R[],
  keyOf: (row: R) => string,
): (R | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => byKey.get(key) ?? null);
}
