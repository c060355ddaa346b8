import { Injectable } from '@nestjs/common';
import type { Account, Tx } from '@accountlink/db';
import { sql } from 'kysely';

/** Simulated AWS accounts of a tenant (primary key tenantId, accountId). */
@Injectable()
export class AccountRepository {
  /** Inserts unless the id is taken in the tenant (then null). */
  async insert(
    tx: Tx,
    tenantId: string,
    accountId: string,
    alias: string | null,
  ): Promise<Account | null> {
    const row = await tx
      .insertInto('accounts')
      .values({ tenantId, accountId, alias })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    return row ?? null;
  }

  /**
   * Inserts the accounts whose ids are free in the tenant, in one statement (one text whatever
   * their number, so one prepared statement); returns the ids it inserted.
   */
  async insertMany(tx: Tx, tenantId: string, accountIds: readonly string[]): Promise<string[]> {
    const { rows } = await sql<{ accountId: string }>`
      INSERT INTO "accounts" ("tenantId", "accountId")
      SELECT ${tenantId}::uuid, a FROM unnest(${accountIds}::text[]) AS a
      ON CONFLICT DO NOTHING
      RETURNING "accountId"`.execute(tx);
    return rows.map((r) => r.accountId);
  }

  async find(tx: Tx, tenantId: string, accountId: string): Promise<Account | null> {
    const row = await tx
      .selectFrom('accounts')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('accountId', '=', accountId)
      .executeTakeFirst();
    return row ?? null;
  }

  /** A page in account id order after `afterId`: `limit` rows and one more. */
  async page(tx: Tx, tenantId: string, afterId: string | null, limit: number): Promise<Account[]> {
    let query = tx.selectFrom('accounts').selectAll().where('tenantId', '=', tenantId);
    if (afterId !== null) {
      query = query.where('accountId', '>', afterId);
    }
    return query
      .orderBy('accountId')
      .limit(limit + 1)
      .execute();
  }
}
