import { Kysely, RawBuilder, SelectQueryBuilder, sql, SqlBool } from 'kysely';
import type { DB } from './generated/kysely/types';

/**
 * A jsonb parameter. pg sends a JavaScript array as a Postgres array literal, so JSON values are
 * serialized here, once, whatever their shape.
 */
export function jsonb(value: unknown): RawBuilder<unknown> {
  return sql`${JSON.stringify(value)}::jsonb`;
}

/** The position of a row in a list ordered by (time, id): the usual keyset. */
export interface TimeKeyset {
  at: Date;
  id: string;
}

/**
 * "After this key" for a list ordered by (`column`, id), as one row-value comparison, which the
 * list's (…, column, id) index serves as a range scan.
 */
export function afterTimeKey(column: string, key: TimeKeyset): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${sql.ref(column)}, "id") > (${key.at}, ${key.id}::uuid)`;
}

/** `FOR UPDATE` or `FOR SHARE` row locks, as repositories take them. */
export type RowLock = 'update' | 'share';

/** The select with the row lock asked for (none for null). */
export function withLock<Q extends { forUpdate(): Q; forShare(): Q }>(
  query: Q,
  lock: RowLock | null,
): Q {
  return lock === 'update' ? query.forUpdate() : lock === 'share' ? query.forShare() : query;
}

/**
 * How many rows a query finds, counted up to `limit`: a quota check needs to know no more, and
 * the count stops there however many rows there are.
 */
export async function countUpTo(
  tx: Kysely<DB>,
  rows: SelectQueryBuilder<DB, keyof DB, object>,
  limit: number,
): Promise<number> {
  const { rows: found } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM (${rows
    .select(sql<number>`1`.as('one'))
    .limit(limit)}) AS counted`.execute(tx);
  return Number(found[0]?.n ?? 0);
}
