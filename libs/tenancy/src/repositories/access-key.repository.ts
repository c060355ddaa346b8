import { Injectable } from '@nestjs/common';
import type { AccessKey, Tables, Tx } from '@accountlink/db';
import { sql, type Insertable } from 'kysely';

/** What the application role may read of an access key: everything but its secret. */
const READABLE = ['accessKeyId', 'tenantId', 'accountId', 'createdAt'] as const;

export type AccessKeySummary = Omit<AccessKey, 'secretAccessKey'>;

/**
 * Access keys. The application role cannot read `secretAccessKey` (column privileges): only
 * the definer function auth_access_key does, so no query here returns it.
 */
@Injectable()
export class AccessKeyRepository {
  async insert(tx: Tx, row: Insertable<Tables.AccessKey>): Promise<AccessKeySummary> {
    return tx.insertInto('access_keys').values(row).returning(READABLE).executeTakeFirstOrThrow();
  }

  /** Many keys of one tenant in one statement (unnest: one text whatever their number). */
  async insertMany(
    tx: Tx,
    tenantId: string,
    keys: readonly { accessKeyId: string; secretAccessKey: string; accountId: string }[],
  ): Promise<void> {
    await sql`
      INSERT INTO "access_keys" ("accessKeyId", "secretAccessKey", "tenantId", "accountId")
      SELECT k.id, k.secret, ${tenantId}::uuid, k.account
      FROM unnest(${keys.map((k) => k.accessKeyId)}::text[],
                  ${keys.map((k) => k.secretAccessKey)}::text[],
                  ${keys.map((k) => k.accountId)}::text[]) AS k(id, secret, account)`.execute(tx);
  }

  /** Deletes the key of the tenant; returns it as it was (without its secret), or null. */
  async delete(tx: Tx, tenantId: string, accessKeyId: string): Promise<AccessKeySummary | null> {
    const row = await tx
      .deleteFrom('access_keys')
      .where('tenantId', '=', tenantId)
      .where('accessKeyId', '=', accessKeyId)
      .returning(READABLE)
      .executeTakeFirst();
    return row ?? null;
  }

  /** An account's keys, oldest first (index: tenantId, accountId). */
  async list(
    tx: Tx,
    tenantId: string,
    accountId: string,
    limit: number,
  ): Promise<AccessKeySummary[]> {
    return tx
      .selectFrom('access_keys')
      .select(READABLE)
      .where('tenantId', '=', tenantId)
      .where('accountId', '=', accountId)
      .orderBy('createdAt')
      .limit(limit)
      .execute();
  }
}
