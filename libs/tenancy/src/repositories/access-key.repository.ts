import { Injectable } from '@nestjs/common';
import type { AccessKey, Tables, Tx } from '@accountlink/db';
import type { Insertable } from 'kysely';

@Injectable()
export class AccessKeyRepository {
  async insert(tx: Tx, row: Insertable<Tables.AccessKey>): Promise<AccessKey> {
    return tx.insertInto('access_keys').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /** Deletes the key of the tenant; returns it as it was, or null. */
  async delete(tx: Tx, tenantId: string, accessKeyId: string): Promise<AccessKey | null> {
    const row = await tx
      .deleteFrom('access_keys')
      .where('tenantId', '=', tenantId)
      .where('accessKeyId', '=', accessKeyId)
      .returningAll()
      .executeTakeFirst();
    return row ?? null;
  }

  /** An account's keys, oldest first (index: tenantId, accountId). */
  async list(tx: Tx, tenantId: string, accountId: string, limit: number): Promise<AccessKey[]> {
    return tx
      .selectFrom('access_keys')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('accountId', '=', accountId)
      .orderBy('createdAt')
      .limit(limit)
      .execute();
  }
}
