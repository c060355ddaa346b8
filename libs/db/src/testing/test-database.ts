import { randomUUID } from 'node:crypto';
import { loadConfig } from '@accountlink/config';
import { sql } from 'kysely';
import { SystemDatabase, TenantDatabase } from '../database';

/**
 * For repository tests against the real test database (`npm test` points DATABASE_URL at it): the
 * runtime role's TenantDatabase, the owner's SystemDatabase, and fresh tenants that `close`
 * deletes again (their rows go with them).
 */
export class TestDatabase {
  readonly system: SystemDatabase;
  readonly db: TenantDatabase;
  private readonly tenants: string[] = [];

  constructor() {
    const config = loadConfig();
    this.system = new SystemDatabase(config.databaseUrl, 2);
    this.db = new TenantDatabase({ connectionString: config.appDatabaseUrl, max: 4 });
  }

  /** A new tenant (and, when given, accounts of it), created through the owner connection. */
  async tenant(accountIds: readonly string[] = []): Promise<string> {
    const id = randomUUID();
    this.tenants.push(id);
    await this.system.db
      .insertInto('tenants')
      .values({ id, name: `repo-test-${id}` })
      .execute();
    if (accountIds.length > 0) {
      await this.system.db
        .insertInto('accounts')
        .values(accountIds.map((accountId) => ({ tenantId: id, accountId })))
        .execute();
    }
    return id;
  }

  async close(): Promise<void> {
    if (this.tenants.length > 0) {
      await sql`DELETE FROM "tenants" WHERE "id" = ANY(${this.tenants}::uuid[])`.execute(
        this.system.db,
      );
    }
    await Promise.all([this.system.destroy(), this.db.destroy()]);
  }
}
