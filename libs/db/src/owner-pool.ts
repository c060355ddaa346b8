import { Pool } from 'pg';

/**
 * A pool on the owner connection. Only system components that work across tenants by design use
 * it (the outbox relay and its retention sweep); request handling never does.
 */
export function createOwnerPool(databaseUrl: string, max = 2): Pool {
  const pool = new Pool({
    connectionString: databaseUrl,
    max,
    application_name: 'accountlink-system',
  });
  // An idle connection dropped by the server is replaced on the next checkout; the query that
  // needs it reports any real outage. Without a listener the error would crash the process.
  pool.on('error', () => undefined);
  return pool;
}
