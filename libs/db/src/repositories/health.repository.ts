import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { Database } from '../database';

/** What the readiness probe asks the database: does it answer, which migrations are applied. */
@Injectable()
export class HealthRepository {
  constructor(private readonly database: Database) {}

  async ping(): Promise<void> {
    await this.database.withoutTenant((db) => sql`SELECT 1`.execute(db));
  }

  /** Names of the migrations recorded as applied (Prisma's `_prisma_migrations`). */
  async appliedMigrations(): Promise<string[]> {
    const { rows } = await this.database.withoutTenant((db) =>
      sql<{ migration_name: string }>`
        SELECT migration_name FROM "_prisma_migrations"
         WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`.execute(db),
    );
    return rows.map((r) => r.migration_name);
  }
}
