import { hash } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import {
  Compilable,
  CompiledQuery,
  DatabaseConnection,
  Driver,
  Kysely,
  PostgresDialect,
  QueryResult,
  RawBuilder,
  SingleConnectionProvider,
} from 'kysely';
import { escapeLiteral, Pool, PoolClient, PoolConfig, QueryResult as PgResult } from 'pg';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import type { DB } from './generated/kysely/types';
import { literal } from './sql-literal';
import { TenantShares } from '@accountlink/common';

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
 * What opens a tenant transaction: BEGIN, the tenant setting and the optional advisory lock. It
 * travels with the transaction's first statement (TenantConnection), so opening costs no round
 * trip of its own. The tenant id is a UUID (checked) and the lock key is quoted by pg's escaping.
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

/** The tenant setting alone, for a single statement's implicit transaction. */
function tenantSettingSql(tenantId: string): string {
  if (!UUID.test(tenantId)) {
    throw new Error('tenant id must be a UUID');
  }
  return `SELECT set_config('app.tenant_id', '${tenantId}', true)`;
}

/**
 * One pooled client in one tenant transaction, as Kysely executes on it. The transaction opens
 * with its first statement: BEGIN, the tenant setting (and lock) and that statement travel in one
 * simple-protocol message, so a transaction costs one round trip for each statement and one for
 * COMMIT; a transaction that runs no statement costs none.
 */
class TenantConnection implements DatabaseConnection {
  /** Sent ahead of the first statement; null once the transaction is open. */
  private prelude: string | null;
  /** Statements left in `single` mode, where the prelude has no BEGIN (an implicit transaction). */
  private remaining: number;
  /** Writes whose results nobody reads, sent with COMMIT (atCommit). */
  private readonly deferred: CompiledQuery[] = [];

  constructor(
    private readonly client: PoolClient,
    prelude: string,
    readonly single: boolean,
  ) {
    this.prelude = prelude;
    this.remaining = single ? 1 : Infinity;
  }

  /** Whether BEGIN has gone out (so COMMIT or ROLLBACK must follow). */
  get open(): boolean {
    return this.prelude === null && !this.single;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (this.remaining-- <= 0) {
      // The tenant setting ended with the one statement's implicit transaction.
      throw new Error('a single-statement tenant read ran a second statement');
    }
    if (this.prelude !== null) {
      const prelude = this.prelude;
      this.prelude = null;
      if (!this.single && compiled.parameters.some((p) => Buffer.isBuffer(p))) {
        // Bytes have no literal to EXECUTE with: the transaction opens on its own (one more
        // round trip) and the statement binds them.
        await this.client.query(prelude);
        return this.bound<R>(compiled);
      }
      return toQueryResult<R>(await this.send([prelude], [compiled]));
    }
    return this.bound<R>(compiled);
  }

  /** A statement through the extended protocol, prepared on this connection by name. */
  private async bound<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return toQueryResult<R>(
      await this.client.query({
        name: statementName(compiled.sql, 'k'),
        text: compiled.sql,
        values: compiled.parameters as unknown[],
      }),
    );
  }

  defer(compiled: CompiledQuery): void {
    if (this.single) {
      throw new Error('a single-statement tenant read cannot write');
    }
    this.deferred.push(compiled);
  }

  /** Set when a message failed: which of its PREPAREs took is unknown, so the client goes. */
  poisoned = false;

  /**
   * One simple-protocol message: `before` (BEGIN, the tenant setting), then each statement as
   * EXECUTE of a statement prepared on this connection (PREPAREd in the same message the first
   * time), then `after` (COMMIT). The plan is cached like an extended-protocol prepared
   * statement's, and the whole message costs one round trip. Returns the last statement's result.
   */
  async send(
    before: readonly string[],
    statements: readonly CompiledQuery[],
    after: readonly string[] = [],
  ): Promise<PgResult> {
    const prepared = preparedOn(this.client);
    const prepares: string[] = [];
    const executes: string[] = [];
    const names: string[] = [];
    for (const statement of statements) {
      const name = statementName(statement.sql, 'q');
      if (!prepared.has(name) && !names.includes(name)) {
        prepares.push(`PREPARE ${name} AS ${statement.sql}`);
      }
      names.push(name);
      executes.push(
        statement.parameters.length > 0
          ? `EXECUTE ${name}(${statement.parameters.map(literal).join(', ')})`
          : `EXECUTE ${name}`,
      );
    }
    try {
      const results = (await this.client.query(
        [...prepares, ...before, ...executes, ...after].join('; '),
      )) as unknown as PgResult | PgResult[];
      for (const name of names) {
        prepared.add(name);
      }
      return Array.isArray(results) ? (results[results.length - 1] as PgResult) : results;
    } catch (error) {
      this.poisoned = true;
      throw error;
    }
  }

  /** Whether anything must be committed: BEGIN went out, or writes wait for COMMIT. */
  get pending(): boolean {
    return this.open || this.deferred.length > 0;
  }

  /**
   * COMMIT, preceded by the deferred writes (and BEGIN, if no statement opened the transaction
   * yet) in the same message; returns the command tag of the last statement.
   */
  async commit(): Promise<string | undefined> {
    const before = this.prelude !== null ? [this.prelude] : [];
    const deferred = this.deferred.splice(0);
    this.prelude = null;
    if (before.length === 0 && deferred.length === 0) {
      return (await this.client.query('COMMIT')).command;
    }
    return (await this.send(before, deferred, ['COMMIT'])).command;
  }

  async rollback(): Promise<void> {
    this.deferred.length = 0;
    if (this.open) {
      await this.client.query('ROLLBACK');
    }
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported in tenant transactions');
  }
}

const NAMES = new Map<string, string>();

/**
 * A prepared statement's name per statement text: `k…` for pg's protocol-level statements, `q…`
 * for SQL-level PREPARE (the two share a session's namespace, so the prefixes keep them apart).
 */
function statementName(sql: string, prefix: 'k' | 'q'): string {
  const key = prefix + sql;
  let name = NAMES.get(key);
  if (!name) {
    name = `${prefix}${hash('sha1', sql, 'hex').slice(0, 20)}`;
    NAMES.set(key, name);
  }
  return name;
}

/** The SQL-level prepared statements of each pooled connection (they live as long as it does). */
const PREPARED = new WeakMap<PoolClient, Set<string>>();

function preparedOn(client: PoolClient): Set<string> {
  let names = PREPARED.get(client);
  if (!names) {
    names = new Set();
    PREPARED.set(client, names);
  }
  return names;
}

function toQueryResult<R>(result: PgResult): QueryResult<R> {
  const { command, rowCount, rows } = result;
  return {
    numAffectedRows:
      command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE'
        ? BigInt(rowCount ?? 0)
        : undefined,
    rows: (rows ?? []) as R[],
  };
}

/** A pg pool and the Kysely instance on it, with the tenant transaction as its only way in. */
export class TenantDatabase {
  readonly pool: Pool;
  protected readonly kysely: Kysely<DB>;
  private readonly dialect: PostgresDialect;

  /** Set for the runtime database: each tenant's share of the pool (fairness between tenants). */
  private readonly shares: TenantShares | null;

  constructor(poolConfig: PoolConfig, tenantShare?: number) {
    this.pool = new Pool(poolConfig);
    this.shares = tenantShare ? new TenantShares(tenantShare) : null;
    // An idle connection dropped by the server is replaced on the next checkout; the query that
    // needs it reports any real outage. Without a listener the error would crash the process.
    this.pool.on('error', () => undefined);
    this.dialect = new PostgresDialect({ pool: this.pool });
    this.kysely = new Kysely<DB>({ dialect: this.dialect });
  }

  /**
   * Runs `fn` in one transaction with the tenant set, so row-level security lets exactly that
   * tenant's rows through; every write in it commits or none does.
   */
  async withTenant<T>(
    tenantId: string,
    fn: (tx: Tx) => Promise<T>,
    options: TenantTxOptions = {},
  ): Promise<T> {
    return this.inShare(tenantId, () => this.run(beginTenantSql(tenantId, options), false, fn));
  }

  /**
   * Runs `fn`, which makes exactly one statement, with the tenant set: the setting and the
   * statement share one message and its implicit transaction, so a read costs one round trip.
   * A second statement is refused (it would run without the tenant set).
   */
  async readTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.inShare(tenantId, () => this.run(tenantSettingSql(tenantId), true, fn));
  }

  /** Runs `work` within the tenant's share of the pool, if shares are set. */
  private async inShare<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    if (!this.shares) {
      return work();
    }
    const release = await this.shares.acquire(tenantId);
    try {
      return await work();
    } finally {
      release();
    }
  }

  protected async run<T>(prelude: string, single: boolean, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A checked-out client has lost the pool's error listener: a connection that breaks between
    // two statements (terminated, server gone) would be an unhandled 'error' event, which ends
    // the process. Noted instead: its next statement fails, and the client leaves the pool.
    let lost: Error | undefined;
    const onLost = (error: Error) => {
      lost = error;
    };
    client.on('error', onLost);
    const connection = new TenantConnection(client, prelude, single);
    let broken: unknown = undefined;
    try {
      const tx = new Kysely<DB>({
        config: { dialect: this.dialect },
        dialect: this.dialect,
        driver: NO_DRIVER,
        executor: this.kysely
          .getExecutor()
          .withConnectionProvider(new SingleConnectionProvider(connection)),
      });
      TRANSACTIONS.set(tx, connection);
      let result: T;
      try {
        result = await fn(tx);
        // PostgreSQL answers COMMIT with ROLLBACK when a statement failed and was swallowed.
        if (connection.pending && (await connection.commit()) === 'ROLLBACK') {
          throw new Error('the transaction was rolled back: a statement in it failed');
        }
      } catch (error) {
        // Also when a deferred write failed: its message stopped before COMMIT.
        await connection.rollback().catch((rollbackError: unknown) => {
          broken = rollbackError;
        });
        throw error;
      }
      return result;
    } finally {
      // A client whose ROLLBACK failed, or whose prepared statements are unknown, leaves the pool.
      const discard =
        (broken instanceof Error ? broken : undefined) ??
        lost ??
        (connection.poisoned ? new Error('statement failed') : undefined);
      client.removeListener('error', onLost);
      client.release(discard);
    }
  }

  /**
   * Single statements with no tenant set: row-level security hides every tenant row, so only
   * the definer functions (authentication, which must find the tenant first) answer.
   */
  withoutTenant<T>(fn: (db: Kysely<DB>) => Promise<T>): Promise<T> {
    return fn(this.kysely);
  }

  async destroy(): Promise<void> {
    await this.kysely.destroy();
  }
}

/** The connection of each tenant transaction's Kysely instance, for atCommit. */
const TRANSACTIONS = new WeakMap<Kysely<DB>, TenantConnection>();

/**
 * Runs a write whose result nobody reads at the end of the tenant transaction: it travels with
 * COMMIT in one message instead of costing a round trip now. Its errors surface at commit (the
 * transaction then rolls back), so use it for writes that cannot conflict by construction
 * (history rows, outbox events, results of a check). Outside a tenant transaction it runs now.
 */
export async function atCommit(
  tx: Kysely<DB>,
  query: Compilable | RawBuilder<unknown>,
): Promise<void> {
  const compiled = 'isRawBuilder' in query ? query.compile(tx) : query.compile();
  const connection = TRANSACTIONS.get(tx);
  if (connection) {
    connection.defer(compiled);
  } else {
    await tx.executeQuery(compiled);
  }
}

/** Per-transaction Kysely instances never open connections or transactions of their own. */
const NO_DRIVER: Driver = {
  init: async () => undefined,
  acquireConnection: () =>
    Promise.reject(new Error('tenant transactions use their own connection')),
  beginTransaction: () => Promise.reject(new Error('tenant transactions are opened by withTenant')),
  commitTransaction: () =>
    Promise.reject(new Error('tenant transactions are opened by withTenant')),
  rollbackTransaction: () =>
    Promise.reject(new Error('tenant transactions are opened by withTenant')),
  releaseConnection: async () => undefined,
  destroy: async () => undefined,
};

/** The runtime database of the API and the worker: the application role, RLS applies. */
@Injectable()
export class Database extends TenantDatabase implements OnModuleDestroy {
  private readonly logger = new Logger(Database.name);

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(
      {
        connectionString: config.appDatabaseUrl,
        max: config.databasePoolSize,
        application_name: 'accountlink',
        // As long as a checkout may wait, and a transaction left idle by a bug is ended by the server.
        connectionTimeoutMillis: 5_000,
        options: '-c idle_in_transaction_session_timeout=15000',
      },
      config.databaseTenantShare,
    );
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
export class SystemDatabase extends TenantDatabase {
  private listener: PoolClient | null = null;

  constructor(databaseUrl: string, max = 2) {
    super({ connectionString: databaseUrl, max, application_name: 'accountlink-system' });
  }

  /** Single statements across tenants, each in its own implicit transaction. */
  get db(): SystemDb {
    return this.kysely;
  }

  /** One transaction across tenants, on the same lean path as a tenant transaction. */
  transaction<T>(fn: (db: SystemDb) => Promise<T>): Promise<T> {
    return this.run('BEGIN', false, fn);
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

  override async destroy(): Promise<void> {
    if (this.listener) {
      // Destroy rather than return it: a pooled connection must not keep listening.
      this.listener.release(true);
      this.listener = null;
    }
    await super.destroy();
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
