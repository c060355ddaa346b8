import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import { escapeLiteral, Pool, PoolClient, PoolConfig } from 'pg';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import type { DB } from './generated/kysely/types';

/**
 * The handle repositories receive: a Kysely instance bound to one connection inside one tenant
 * transaction. Services pass it along and never query through it themselves.
 */
export type Tx = Kysely<DB>;

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

export interface TenantTxOptions {
  isolationLevel?: IsolationLevel;
  /** Also take this transaction-scoped advisory lock, in the same round trip as the tenant. */
  lockKey?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one statement that opens a tenant transaction: BEGIN, the tenant setting and the optional
 * advisory lock travel in a single simple-protocol message, so opening costs one round trip.
 * The tenant id is a UUID (checked) and the lock key is quoted by pg's escaping.
 */
export function beginTenantSql(tenantId: string, options: TenantTxOptions = {}): string {
  if (!UUID.test(tenantId)) {
    throw new Error('tenant id must be a UUID');
  }
  const begin = options.isolationLevel
    ? `BEGIN ISOLATION LEVEL ${options.isolationLevel.toUpperCase()}`
    : 'BEGIN';
  const lock = options.lockKey
    ? `, pg_advisory_xact_lock(hashtext(${escapeLiteral(options.lockKey)}))`
    : '';
  return `${begin}; SELECT set_config('app.tenant_id', '${tenantId}', true)${lock}`;
}

const COMMIT = CompiledQuery.raw('COMMIT');
const ROLLBACK = CompiledQuery.raw('ROLLBACK');

/** A pg pool and the Kysely instance on it, with the tenant transaction as its only way in. */
export class TenantDatabase {
  readonly pool: Pool;
  private readonly db: Kysely<DB>;

  constructor(poolConfig: PoolConfig) {
    this.pool = new Pool(poolConfig);
    // An idle connection dropped by the server is replaced on the next checkout; the query that
    // needs it reports any real outage. Without a listener the error would crash the process.
    this.pool.on('error', () => undefined);
    this.db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: this.pool }) });
  }

  /**
   * Runs `fn` in one transaction with the tenant set, so row-level security lets exactly that
   * tenant's rows through; every write in it commits or none does.
   */
  withTenant<T>(
    tenantId: string,
    fn: (tx: Tx) => Promise<T>,
    options: TenantTxOptions = {},
  ): Promise<T> {
    const begin = CompiledQuery.raw(beginTenantSql(tenantId, options));
    return this.db.connection().execute(async (tx) => {
      let result: T;
      try {
        await tx.executeQuery(begin);
        result = await fn(tx);
      } catch (error) {
        await tx.executeQuery(ROLLBACK).catch(() => undefined);
        throw error;
      }
      const done = await tx.executeQuery<{ command?: string }>(COMMIT);
      // PostgreSQL answers COMMIT with ROLLBACK when a statement failed and was swallowed.
      if (done.rows[0]?.command === 'ROLLBACK') {
        throw new Error('the transaction was rolled back: a statement in it failed');
      }
      return result;
    });
  }

  /**
   * Single statements with no tenant set: row-level security hides every tenant row, so only
   * the definer functions (authentication, which must find the tenant first) answer.
   */
  withoutTenant<T>(fn: (db: Kysely<DB>) => Promise<T>): Promise<T> {
    return fn(this.db);
  }

  async destroy(): Promise<void> {
    await this.db.destroy();
  }
}

/** The runtime database of the API and the worker: the application role, RLS applies. */
@Injectable()
export class Database extends TenantDatabase implements OnModuleDestroy {
  private readonly logger = new Logger(Database.name);

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({
      connectionString: config.appDatabaseUrl,
      max: config.databasePoolSize,
      application_name: 'accountlink',
      // As long as a checkout may wait, and a transaction left idle by a bug is ended by the server.
      connectionTimeoutMillis: 5_000,
      options: '-c idle_in_transaction_session_timeout=15000',
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.destroy().catch((error: unknown) =>
      this.logger.warn(`disconnect: ${String(error)}`),
    );
  }
}

/** The owner connection's handle, for system work across tenants (RLS does not apply to owners). */
export type SystemDb = Kysely<DB>;

/**
 * A pool on the owner connection. Only system components that work across tenants by design use
 * it (the outbox relay and its retention sweep, the expiry and stuck-work sweeps, the seed);
 * request handling never does.
 */
export class SystemDatabase {
  readonly pool: Pool;
  readonly db: SystemDb;
  private listener: PoolClient | null = null;

  constructor(databaseUrl: string, max = 2) {
    this.pool = new Pool({
      connectionString: databaseUrl,
      max,
      application_name: 'accountlink-system',
    });
    this.pool.on('error', () => undefined);
    this.db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: this.pool }) });
  }

  transaction<T>(fn: (db: SystemDb) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  /**
   * LISTEN on `channel` on a connection of its own; `onNotify` runs for every notification.
   * `onError` is told when that connection is lost (callers then rely on polling).
   */
  async listen(
    channel: string,
    onNotify: () => void,
    onError: (error: Error) => void,
  ): Promise<void> {
    if (!/^[a-z_]+$/.test(channel)) {
      throw new Error('channel names are lower-case words');
    }
    const client = await this.pool.connect();
    this.listener = client;
    client.on('notification', onNotify);
    client.on('error', onError);
    await client.query(`LISTEN ${channel}`);
  }

  async destroy(): Promise<void> {
    if (this.listener) {
      // Destroy rather than return it: a pooled connection must not keep listening.
      this.listener.release(true);
      this.listener = null;
    }
    await this.db.destroy();
  }
}

/** Lets the application role log in with `password` (the seed, as the owner). */
export async function setAppRolePassword(
  system: SystemDatabase,
  role: string,
  password: string,
): Promise<void> {
  if (!/^[a-z_]+$/.test(role)) {
    throw new Error('role names are lower-case words');
  }
  await system.pool.query(`ALTER ROLE ${role} WITH LOGIN PASSWORD ${escapeLiteral(password)}`);
}
