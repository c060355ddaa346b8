import { Inject, Injectable } from '@nestjs/common';
import { AppError, checkString, CursorCodec } from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { Database, Tx } from '@accountlink/db';
import { AccountRepository, TenantSettingsService } from '@accountlink/tenancy';
import {
  checkBucketName,
  checkDigests,
  checkObjectKey,
  commonPrefixOf,
  etagOf,
  ListingEntry,
  pastPrefix,
  S3,
  S3_LIMITS,
} from './domain/s3-rules';
import { TEMPLATE_LIMITS } from './domain/template-rules';
import {
  BucketKey,
  BucketRow,
  BundleObject,
  BundleObjectInfo,
  BundleRepository,
  KeyPosition,
} from './repositories/bundle.repository';

/** Who calls the S3 store: the signer's account and the region its signature is scoped to. */
export interface S3Caller {
  tenantId: string;
  accountId: string;
  region: string;
}

export interface ObjectListing {
  entries: ListingEntry<BundleObjectInfo>[];
  /** More keys follow (IsTruncated). */
  truncated: boolean;
  /** Where the next page starts (NextContinuationToken); null on the last page or at max-keys 0. */
  nextToken: string | null;
}

export interface BucketListing {
  buckets: BucketRow[];
  nextToken: string | null;
}

/** The region of a bucket made without one (S3's: no LocationConstraint means us-east-1). */
const DEFAULT_REGION = 'us-east-1';

/**
 * The simulated S3 store of each account, for template bundles: the S3 endpoint's operations and
 * GraphQL's putBundleObject. CreateEnvironmentTemplateVersion's `source.s3 { bucket, key }` is
 * read by the worker in the template's (management) account. Bucket names are unique in a tenant
 * and owned by one account; another account of the tenant is refused (AccessDenied), and other
 * tenants have their own namespace, so nothing says a name is taken elsewhere.
 */
@Injectable()
export class BundleService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly db: Database,
    private readonly bundles: BundleRepository,
    private readonly accounts: AccountRepository,
    private readonly settings: TenantSettingsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new CursorCodec(config.cursorSecret);
  }

  /**
   * GraphQL's putBundleObject: puts the object, creating its bucket (in us-east-1) on first use,
   * so that a schema file is one call away.
   */
  async put(
    tenantId: string,
    accountId: string,
    bucket: string,
    key: string,
    body: Buffer,
  ): Promise<BundleObjectInfo> {
    checkString('bucket', bucket, /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, 3, 63);
    checkString('key', key, /^.+$/s, 1, 1024);
    checkBucketName(bucket);
    if (body.length > TEMPLATE_LIMITS.bundleObject) {
      throw AppError.badInput(
        'body',
        `The object has ${body.length} bytes; a bundle holds at most ${TEMPLATE_LIMITS.bundleObject}`,
      );
    }
    const caller = { tenantId, accountId, region: DEFAULT_REGION };
    return this.inAccount(caller, async (tx) => {
      const existing = await this.bundles.findBucket(tx, this.keyOf(caller, bucket), 'share');
      if (!existing) {
        await this.newBucket(tx, caller, bucket, DEFAULT_REGION);
      }
      return this.store(tx, caller, bucket, key, body, 'binary/octet-stream');
    });
  }

  /** CreateBucket: the LocationConstraint must name the region the request is signed for. */
  async createBucket(
    caller: S3Caller,
    name: string,
    locationConstraint: string | null,
  ): Promise<BucketRow> {
    checkBucketName(name);
    const region = locationConstraint ?? DEFAULT_REGION;
    if (region !== caller.region) {
      throw S3.illegalLocation(locationConstraint);
    }
    return this.inAccount(caller, async (tx) => {
      const existing = await this.bundles.findBucket(tx, this.keyOf(caller, name));
      if (existing) {
        // S3 in us-east-1 answers a repeated create of one's own bucket with success.
        if (region === DEFAULT_REGION && existing.region === DEFAULT_REGION) {
          return existing;
        }
        throw S3.alreadyOwnedByYou(name);
      }
      return this.newBucket(tx, caller, name, region);
    });
  }

  /** HeadBucket and GetBucketLocation: the caller's own bucket. */
  async bucket(caller: S3Caller, name: string): Promise<BucketRow> {
    return this.db.withTenant(caller.tenantId, (tx) => this.ownBucket(tx, caller, name));
  }

  async deleteBucket(caller: S3Caller, name: string): Promise<void> {
    await this.db.withTenant(caller.tenantId, async (tx) => {
      await this.ownBucket(tx, caller, name, 'update');
      if (await this.bundles.bucketHasObjects(tx, this.keyOf(caller, name))) {
        throw S3.notEmpty(name);
      }
      await this.bundles.deleteBucket(tx, this.keyOf(caller, name));
    });
  }

  /** ListBuckets: the account's buckets by name, in pages of `maxBuckets`. */
  async listBuckets(
    caller: S3Caller,
    options: { prefix: string; maxBuckets: number; token: string | null; region: string | null },
  ): Promise<BucketListing> {
    const scope = `s3-buckets|${caller.tenantId}|${caller.accountId}`;
    const after = options.token === null ? null : this.decodeToken(scope, options.token)[0]!;
    const rows = await this.db.withTenant(caller.tenantId, (tx) =>
      this.bundles.listBuckets(tx, caller.tenantId, caller.accountId, {
        prefix: options.prefix,
        region: options.region,
        after: typeof after === 'string' ? after : null,
        limit: options.maxBuckets + 1,
      }),
    );
    const buckets = rows.slice(0, options.maxBuckets);
    const more = rows.length > options.maxBuckets;
    return {
      buckets,
      nextToken: more ? this.cursors.encode(scope, [buckets[buckets.length - 1]!.name]) : null,
    };
  }

  /**
   * PutObject: the body (already decoded from aws-chunked) checked against its declared digests,
   * within the size limit and the account's object quota.
   */
  async putObject(
    caller: S3Caller,
    bucket: string,
    key: string,
    body: Buffer,
    options: { contentType: string; digests: Readonly<Record<string, string>> },
  ): Promise<BundleObjectInfo> {
    checkObjectKey(key);
    this.checkSize(body.length);
    checkDigests(body, options.digests);
    return this.inAccount(caller, async (tx) => {
      await this.ownBucket(tx, caller, bucket, 'share');
      return this.store(tx, caller, bucket, key, body, options.contentType);
    });
  }

  /** GetObject: the object with its bytes. */
  async getObject(caller: S3Caller, bucket: string, key: string): Promise<BundleObject> {
    return this.readObject(caller, bucket, key, (tx, object) => this.bundles.get(tx, object));
  }

  /** HeadObject: the object's size, ETag, type and time, without its bytes. */
  async headObject(caller: S3Caller, bucket: string, key: string): Promise<BundleObjectInfo> {
    return this.readObject(caller, bucket, key, (tx, object) => this.bundles.head(tx, object));
  }

  /** DeleteObject: succeeds whether or not the key existed, as S3's does. */
  async deleteObject(caller: S3Caller, bucket: string, key: string): Promise<void> {
    await this.db.withTenant(caller.tenantId, async (tx) => {
      await this.ownBucket(tx, caller, bucket, 'share');
      await this.bundles.delete(tx, { ...this.keyOf(caller, bucket), key });
    });
  }

  /**
   * ListObjectsV2: keys in byte order under `prefix`, those sharing a `delimiter` after it rolled
   * into one common prefix (which counts as one of `maxKeys`); each query is a range of the
   * primary key, and past a common prefix the next starts at the first key beyond it.
   */
  async listObjects(
    caller: S3Caller,
    bucket: string,
    options: {
      prefix: string;
      delimiter: string;
      maxKeys: number;
      token: string | null;
      startAfter: string | null;
    },
  ): Promise<ObjectListing> {
    const scope = `s3-objects|${caller.tenantId}|${bucket}|${options.prefix}|${options.delimiter}`;
    let from: KeyPosition | null = null;
    if (options.token !== null) {
      const [key, inclusive] = this.decodeToken(scope, options.token);
      from = { key: String(key), inclusive: inclusive === 1 };
    } else if (options.startAfter) {
      from = { key: options.startAfter, inclusive: false };
    }
    const prefixEnd = pastPrefix(options.prefix)?.key ?? null;
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const owned = this.keyOf(caller, (await this.ownBucket(tx, caller, bucket)).name);
      const page = (limit: number) =>
        this.bundles.list(tx, owned, { prefix: options.prefix, prefixEnd, from, limit });
      const entries: ListingEntry<BundleObjectInfo>[] = [];
      let truncated = false;
      if (options.maxKeys === 0) {
        truncated = (await page(1)).length > 0;
      } else {
        pages: for (;;) {
          const want = options.maxKeys - entries.length + 1;
          const rows = await page(want);
          for (const row of rows) {
            if (entries.length === options.maxKeys) {
              truncated = true;
              break pages;
            }
            const common = commonPrefixOf(row.key, options.prefix, options.delimiter);
            if (common) {
              entries.push({ commonPrefix: common });
              const next = pastPrefix(common);
              if (!next) {
                break pages;
              }
              from = next;
              continue pages;
            }
            entries.push({ object: row });
            from = { key: row.key, inclusive: false };
          }
          if (rows.length < want) {
            break;
          }
        }
      }
      return {
        entries,
        truncated,
        nextToken:
          truncated && from ? this.cursors.encode(scope, [from.key, from.inclusive ? 1 : 0]) : null,
      };
    });
  }

  private async readObject<T>(
    caller: S3Caller,
    bucket: string,
    key: string,
    read: (tx: Tx, object: BucketKey & { key: string }) => Promise<T | null>,
  ): Promise<T> {
    checkObjectKey(key);
    return this.db.withTenant(caller.tenantId, async (tx) => {
      await this.ownBucket(tx, caller, bucket);
      const found = await read(tx, { ...this.keyOf(caller, bucket), key });
      if (!found) {
        throw S3.noSuchKey(key);
      }
      return found;
    });
  }

  /**
   * The caller's bucket, or S3's refusal: NoSuchBucket when the account has none of that name
   * (another account's or tenant's bucket of that name is in another namespace), the bucket's
   * region when the request is signed for another.
   */
  private async ownBucket(
    tx: Tx,
    caller: S3Caller,
    name: string,
    lock?: 'share' | 'update',
  ): Promise<BucketRow> {
    const bucket = await this.bundles.findBucket(tx, this.keyOf(caller, name), lock);
    if (!bucket) {
      throw S3.noSuchBucket(name);
    }
    if (bucket.region !== caller.region) {
      throw S3.wrongRegion(caller.region, bucket.region);
    }
    return bucket;
  }

  private async newBucket(
    tx: Tx,
    caller: S3Caller,
    name: string,
    region: string,
  ): Promise<BucketRow> {
    const count = await this.bundles.countBuckets(
      tx,
      caller.tenantId,
      caller.accountId,
      S3_LIMITS.bucketsPerAccount,
    );
    if (count >= S3_LIMITS.bucketsPerAccount) {
      throw S3.tooManyBuckets();
    }
    const created = await this.bundles.createBucket(tx, caller.tenantId, {
      name,
      accountId: caller.accountId,
      region,
      createdAt: new Date(),
    });
    if (!created) {
      // Cannot happen under the account's lock; said plainly if it ever does.
      throw S3.alreadyOwnedByYou(name);
    }
    return created;
  }

  /** Stores the object under the account's quota (a replaced key takes no more room). */
  private async store(
    tx: Tx,
    caller: S3Caller,
    bucket: string,
    key: string,
    body: Buffer,
    contentType: string,
  ): Promise<BundleObjectInfo> {
    const { bundleObjectQuota } = await this.settings.get(caller.tenantId);
    const object = { ...this.keyOf(caller, bucket), key };
    if (
      (await this.bundles.countInAccountBesides(tx, object, bundleObjectQuota)) >= bundleObjectQuota
    ) {
      throw S3.objectQuota(caller.accountId, bundleObjectQuota);
    }
    return this.bundles.put(tx, object, { body, etag: etagOf(body), contentType });
  }

  /**
   * A write in the account: its puts and bucket creates one at a time (the advisory lock), so a
   * quota count holds until commit; the account must exist.
   */
  private inAccount<T>(caller: S3Caller, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.withTenant(
      caller.tenantId,
      async (tx) => {
        if (!(await this.accounts.find(tx, caller.tenantId, caller.accountId))) {
          throw AppError.notFound(`Account ${caller.accountId} does not exist`);
        }
        return work(tx);
      },
      { lockKey: `bundle|${caller.tenantId}|${caller.accountId}` },
    );
  }

  private checkSize(size: number): void {
    if (size > TEMPLATE_LIMITS.bundleObject) {
      throw S3.entityTooLarge(size, TEMPLATE_LIMITS.bundleObject);
    }
  }

  private keyOf(caller: S3Caller, bucket: string): BucketKey {
    return { tenantId: caller.tenantId, accountId: caller.accountId, bucket };
  }

  private decodeToken(scope: string, token: string): (string | number)[] {
    const key = this.cursors.decode(scope, token);
    if (!key || key.length === 0) {
      throw S3.invalidArgument(
        'continuation-token',
        token,
        'The continuation token provided is incorrect',
      );
    }
    return key;
  }
}
