import { Pool } from 'pg';

/**
 * A pool on the owner connection. Only system components that work across tenants by design use
 * it (the outbox relay and its retention sweep); request handling never does.
 */
export function createOwnerPool(databaseUrl: string, max = 2): Pool {
  return new Pool({ connectionString: databaseUrl, max, application_name: 'accountlink-system' });
}
