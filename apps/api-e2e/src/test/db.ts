import { AccountConnectionRepository } from '@accountlink/codecatalyst';
import type { DB } from '@accountlink/db';
import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import { config } from './client';

/** The owner connection: for test assertions about what is (not) stored. */
export const ownerPool = new Pool({ connectionString: config.databaseUrl, max: 2 });
/** The application role's connection, exactly as the API connects. */
export const appPool = new Pool({ connectionString: config.appDatabaseUrl, max: 2 });

export async function count(
  table: string,
  where = 'true',
  params: unknown[] = [],
): Promise<number> {
  const { rows } = await ownerPool.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM "${table}" WHERE ${where}`,
    params,
  );
  return Number(rows[0]?.n ?? 0);
}

afterAll(async () => {
  await Promise.all([ownerPool.end(), appPool.end()]);
});

const onPool = new WeakMap<Pool, Kysely<DB>>();

/** The worker's expiry sweep, run now on the owner connection (the pool stays the caller's). */
export function expireDueConnections(pool: Pool): Promise<number> {
  let db = onPool.get(pool);
  if (!db) {
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    onPool.set(pool, db);
  }
  return new AccountConnectionRepository().expireDue(db);
}
