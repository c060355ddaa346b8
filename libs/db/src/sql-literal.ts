import { escapeLiteral } from 'pg';
// pg's own conversion of a parameter to the text it sends (dates, arrays, JSON, numbers).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue(value: unknown): unknown };

/**
 * A parameter value as a quoted SQL literal (NULL for null): exactly the text pg would send for
 * it as a parameter (dates, arrays, JSON, numbers), quoted by pg's `escapeLiteral`, so that
 * EXECUTE of a prepared statement gets the same value the extended protocol would bind.
 */
export function literal(value: unknown): string {
  const prepared = prepareValue(value);
  if (prepared === null || prepared === undefined) {
    return 'NULL';
  }
  if (typeof prepared !== 'string') {
    throw new Error('only text-representable parameters can be written into a statement');
  }
  return escapeLiteral(prepared);
}
