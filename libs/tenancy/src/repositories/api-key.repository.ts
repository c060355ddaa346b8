import { Injectable } from '@nestjs/common';
import type { ApiKey, Tables, Tx } from '@accountlink/db';
import type { Insertable } from 'kysely';

@Injectable()
export class ApiKeyRepository {
  async insert(tx: Tx, row: Insertable<Tables.ApiKey>): Promise<ApiKey> {
    return tx.insertInto('api_keys').values(row).returningAll().executeTakeFirstOrThrow();
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
