import { Injectable } from '@nestjs/common';
import { countUpTo, type Tx } from '@accountlink/db';
import { sql } from 'kysely';

export interface BucketRow {
  name: string;
  accountId: string;
  region: string;
  createdAt: Date;
}

export interface BundleObjectInfo {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  contentType: string;
  createdAt: Date;
}

export interface BundleObject extends BundleObjectInfo {
  body: Buffer;
}

export interface BucketKey {
  tenantId: string;
  /** The bucket's owner. */
  accountId: string;
  bucket: string;
}

export interface BundleKey extends BucketKey {
  key: string;
}

/** Where a listing of keys starts: after a key, or at it (the first key past a common prefix). */
export interface KeyPosition {
  key: string;
  inclusive: boolean;
}

const OBJECT_INFO = ['bucket', 'key', 'size', 'etag', 'contentType', 'createdAt'] as const;

/**
 * The simulated S3 store: buckets (each account with a namespace of its own) and their objects
 * (template bundles, usually). Names and keys sort in byte order (their collation is "C"), so
 * listings page along the primary key.
 */
@Injectable()
export class BundleRepository {
  /** Creates the bucket; null when the account already has a bucket of that name. */
  async createBucket(tx: Tx, tenantId: string, bucket: BucketRow): Promise<BucketRow | null> {
    const row = await tx
      .insertInto('s3_buckets')
      .values({ tenantId, ...bucket })
      .onConflict((oc) => oc.columns(['tenantId', 'accountId', 'name']).doNothing())
      .returning(['name', 'accountId', 'region', 'createdAt'])
      .executeTakeFirst();
    return row ?? null;
  }

  /** The account's bucket of that name; FOR SHARE or FOR UPDATE when asked. */
  async findBucket(
    tx: Tx,
    bucket: BucketKey,
    lock?: 'share' | 'update',
  ): Promise<BucketRow | null> {
    let query = tx
      .selectFrom('s3_buckets')
      .select(['name', 'accountId', 'region', 'createdAt'])
      .where('tenantId', '=', bucket.tenantId)
      .where('accountId', '=', bucket.accountId)
      .where('name', '=', bucket.bucket);
    if (lock === 'share') {
      query = query.forShare();
    } else if (lock === 'update') {
      query = query.forUpdate();
    }
    return (await query.executeTakeFirst()) ?? null;
  }

  /** The account's buckets by name, after `after`, with a prefix; `limit` rows at most. */
  async listBuckets(
    tx: Tx,
    tenantId: string,
    accountId: string,
    options: { prefix: string; after: string | null; region: string | null; limit: number },
  ): Promise<BucketRow[]> {
    let query = tx
      .selectFrom('s3_buckets')
      .select(['name', 'accountId', 'region', 'createdAt'])
      .where('tenantId', '=', tenantId)
      .where('accountId', '=', accountId);
    if (options.after !== null) {
      query = query.where('name', '>', options.after);
    }
    if (options.prefix) {
      query = query.where(sql<boolean>`starts_with("name", ${options.prefix})`);
    }
    if (options.region !== null) {
      query = query.where('region', '=', options.region);
    }
    return query.orderBy('name').limit(options.limit).execute();
  }

  async countBuckets(tx: Tx, tenantId: string, accountId: string, limit: number): Promise<number> {
    return countUpTo(
      tx,
      tx
        .selectFrom('s3_buckets')
        .where('tenantId', '=', tenantId)
        .where('accountId', '=', accountId),
      limit,
    );
  }

  async deleteBucket(tx: Tx, bucket: BucketKey): Promise<void> {
    await tx
      .deleteFrom('s3_buckets')
      .where('tenantId', '=', bucket.tenantId)
      .where('accountId', '=', bucket.accountId)
      .where('name', '=', bucket.bucket)
      .execute();
  }

  async bucketHasObjects(tx: Tx, bucket: BucketKey): Promise<boolean> {
    return (await countUpTo(tx, objectsOf(tx, bucket), 1)) > 0;
  }

  /** Puts the object; putting a key again replaces it. */
  async put(
    tx: Tx,
    key: BundleKey,
    object: { body: Buffer; etag: string; contentType: string },
  ): Promise<BundleObjectInfo> {
    const values = { ...object, size: object.body.length };
    return tx
      .insertInto('bundle_objects')
      .values({ ...key, ...values })
      .onConflict((oc) =>
        oc
          .columns(['tenantId', 'accountId', 'bucket', 'key'])
          .doUpdateSet({ ...values, createdAt: sql`now()` }),
      )
      .returning(OBJECT_INFO)
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
    return (await this.get(tx, key))?.body ?? null;
  }

  /** The object with its bytes, or null. */
  async get(tx: Tx, key: BundleKey): Promise<BundleObject | null> {
    const row = await objectsOf(tx, key)
      .select([...OBJECT_INFO, 'body'])
      .where('key', '=', key.key)
      .executeTakeFirst();
    return row ?? null;
  }

  /** The object without its bytes (HeadObject), or null. */
  async head(tx: Tx, key: BundleKey): Promise<BundleObjectInfo | null> {
    const row = await objectsOf(tx, key)
      .select(OBJECT_INFO)
      .where('key', '=', key.key)
      .executeTakeFirst();
    return row ?? null;
  }

  /**
   * The bucket's objects in key order from `from`, those whose key starts with `prefix` (a range
   * of the primary key: keys from the prefix to the first key past it), `limit` rows at most.
   */
  async list(
    tx: Tx,
    bucket: BucketKey,
    options: { prefix: string; prefixEnd: string | null; from: KeyPosition | null; limit: number },
  ): Promise<BundleObjectInfo[]> {
    let query = objectsOf(tx, bucket).select(OBJECT_INFO);
    if (options.prefix) {
      query = query.where('key', '>=', options.prefix);
    }
    if (options.prefixEnd !== null) {
      query = query.where('key', '<', options.prefixEnd);
    }
    if (options.from) {
      query = query.where('key', options.from.inclusive ? '>=' : '>', options.from.key);
    }
    return query.orderBy('key').limit(options.limit).execute();
  }

  /** Deletes the object; true when there was one. */
  async delete(tx: Tx, key: BundleKey): Promise<boolean> {
    const result = await tx
      .deleteFrom('bundle_objects')
      .where('tenantId', '=', key.tenantId)
      .where('accountId', '=', key.accountId)
      .where('bucket', '=', key.bucket)
      .where('key', '=', key.key)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}

function objectsOf(tx: Tx, bucket: BucketKey) {
  return tx
    .selectFrom('bundle_objects')
    .where('tenantId', '=', bucket.tenantId)
    .where('accountId', '=', bucket.accountId)
    .where('bucket', '=', bucket.bucket);
}
