import { Injectable } from '@nestjs/common';
import { countUpTo, type Tx } from '@accountlink/db';
import { sql } from 'kysely';

export interface BundleObjectInfo {
  bucket: string;
  key: string;
  size: number;
  createdAt: Date;
}

export interface BundleKey {
  tenantId: string;
  accountId: string;
  bucket: string;
  key: string;
}

/** Objects of each account's simulated S3 store (template bundles). */
@Injectable()
export class BundleRepository {
  /** Puts the object; putting a key again replaces it. */
  async put(tx: Tx, key: BundleKey, body: Buffer, size: number): Promise<BundleObjectInfo> {
    return tx
      .insertInto('bundle_objects')
      .values({ ...key, body, size })
      .onConflict((oc) =>
        oc
          .columns(['tenantId', 'accountId', 'bucket', 'key'])
          .doUpdateSet({ body, size, createdAt: sql`now()` }),
      )
      .returning(['bucket', 'key', 'size', 'createdAt'])
      .executeTakeFirstOrThrow();
  }

  /** How many objects the account holds besides `key`, counted up to `limit` (its quota). */
  async countInAccountBesides(tx: Tx, key: BundleKey, limit: number): Promise<number> {
    return countUpTo(
      tx,
      tx
        .selectFrom('bundle_objects')
        .where('tenantId', '=', key.tenantId)
        .where('accountId', '=', key.accountId)
        .where((eb) => eb.or([eb('bucket', '<>', key.bucket), eb('key', '<>', key.key)])),
      limit,
    );
  }

  /** The object's bytes, or null when there is no such object. */
  async body(tx: Tx, key: BundleKey): Promise<Buffer | null> {
    const row = await tx
      .selectFrom('bundle_objects')
      .select('body')
      .where('tenantId', '=', key.tenantId)
      .where('accountId', '=', key.accountId)
      .where('bucket', '=', key.bucket)
      .where('key', '=', key.key)
      .executeTakeFirst();
    return row?.body ?? null;
  }
}
