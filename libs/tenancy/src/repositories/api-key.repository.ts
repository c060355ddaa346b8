import { Injectable } from '@nestjs/common';
import type { ApiKey, Tables, Tx } from '@accountlink/db';
import { sql, type Insertable } from 'kysely';

@Injectable()
export class ApiKeyRepository {
  async insert(tx: Tx, row: Insertable<Tables.ApiKey>): Promise<ApiKey> {
    return tx.insertInto('api_keys').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /** Account keys of one tenant in one statement (unnest: one text whatever their number). */
  async insertAccountKeys(
    tx: Tx,
    tenantId: string,
    keys: readonly { id: string; accountId: string; keyHash: string; keyPrefix: string }[],
  ): Promise<void> {
    await sql`
      INSERT INTO "api_keys" ("id", "tenantId", "kind", "accountId", "keyHash", "keyPrefix")
      SELECT k.id, ${tenantId}::uuid, 'ACCOUNT', k.account, k.hash, k.prefix
      FROM unnest(${keys.map((k) => k.id)}::uuid[], ${keys.map((k) => k.accountId)}::text[],
                  ${keys.map((k) => k.keyHash)}::text[],
                  ${keys.map((k) => k.keyPrefix)}::text[]) AS k(id, account, hash, prefix)`.execute(
      tx,
    );
  }

  async find(tx: Tx, tenantId: string, id: string): Promise<ApiKey | null> {
    const row = await tx
      .selectFrom('api_keys')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ?? null;
  }

  /** Revokes the key if it is live; returns it as it is now. */
  async revoke(tx: Tx, id: string, at: Date): Promise<ApiKey | null> {
    const row = await tx
      .updateTable('api_keys')
      .set({ revokedAt: at })
      .where('id', '=', id)
      .where('revokedAt', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row ?? null;
  }

  /** The tenant's keys, oldest first (index: tenantId, createdAt, id). */
  async list(tx: Tx, tenantId: string, limit: number): Promise<ApiKey[]> {
    return tx
      .selectFrom('api_keys')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .orderBy('createdAt')
      .orderBy('id')
      .limit(limit)
      .execute();
  }
}
