import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

/** Fine for a laptop and CI; refused in production (loadConfig). */
const DEFAULT_APP_DATABASE_PASSWORD = 'accountlink_app';

/** Every setting AccountLink reads, in one validated schema. The README's table mirrors it. */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(3000).pipe(z.number().max(65535)),
  API_PROCESSES: int(1, 1).pipe(z.number().max(64)),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  APP_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  APP_DATABASE_PASSWORD: z.string().min(8).default(DEFAULT_APP_DATABASE_PASSWORD),
  DATABASE_POOL_SIZE: int(10, 1),
  DATABASE_TENANT_SHARE: int(0, 0),
  API_TENANT_CONCURRENCY: int(32, 1),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('accountlink'),
  OPERATOR_TOKEN: z.string().min(24).optional(),
  ACCOUNTLINK_DATA_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  OUTBOX_POLL_MS: int(100, 10),
  OUTBOX_BATCH_MS: int(25, 0).pipe(z.number().max(1_000)),
  OUTBOX_RETENTION_HOURS: int(24, 1),
  WORKER_CONCURRENCY: int(8, 1),
  JOB_LOCK_MS: int(30_000, 1_000),
  STUCK_WORK_MS: int(5 * 60_000, 60_000),
  WORKER_METRICS_PORT: int(9464).pipe(z.number().max(65535)),
  AUTH_CACHE_TTL_MS: int(10_000, 0).pipe(z.number().max(300_000)),
  AUTH_CACHE_MAX: int(100_000, 1),
  THROTTLE_FALLBACK_PROCESSES: int(0, 0).pipe(z.number().max(10_000)),
  GRAPHQL_MAX_DOCUMENT_BYTES: int(65_536, 1_024).pipe(z.number().max(1_048_576)),
  GRAPHQL_MAX_TOKENS: int(5_000, 100).pipe(z.number().max(1_000_000)),
  GRAPHQL_INTROSPECTION: z.enum(['true', 'false']).optional(),
  GRAPHQL_EXPLORER: z.enum(['true', 'false']).optional(),
  METRICS_TOKEN: z.string().min(16).optional(),
  GRAPHQL_WS_MAX_PAYLOAD_BYTES: int(1_048_576, 1_024).pipe(z.number().max(104_857_600)),
  GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: int(50, 1),
  GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_KEY: int(10_000, 1),
  AWS_ERROR_STATUSES: z.enum(['reference', 'model']).default('reference'),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^https?:\/\/[^/\s:]+(:\d{1,5})?$/,
            'each origin is scheme://host[:port], without a path (https://portal.example.com)',
          ),
      ),
    ),
});

export interface AppConfig {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  /** API processes sharing the port (Node cluster); 1 runs the API in this process. */
  apiProcesses: number;
  /** Owner connection: migrations, seed and the outbox relay. */
  databaseUrl: string;
  /** Runtime connection as the non-owner role that row-level security applies to. */
  appDatabaseUrl: string;
  appDatabasePassword: string;
  databasePoolSize: number;
  /** Connections of the pool one tenant may hold at once (default: half the pool). */
  databaseTenantShare: number;
  /** Requests of one tenant an API process works on at once; the tenant's others wait their turn. */
  apiTenantConcurrency: number;
  redisUrl: string;
  /** Prefix of every Redis key, queue and channel, so two deployments can share one Redis. */
  redisPrefix: string;
  operatorToken: string;
  /** Where the generated operator token was read from, when it was not configured. */
  operatorTokenFile: string | null;
  /** Signs pagination cursors; derived from the operator token so every instance agrees. */
  cursorSecret: string;
  logLevel: (typeof LOG_LEVELS)[number];
  outboxPollMs: number;
  /** Under load, how long the relay lets a burst of commits gather into one batch. */
  outboxBatchMs: number;
  outboxRetentionHours: number;
  workerConcurrency: number;
  /** How long a job stays locked to a worker without a heartbeat; a dead worker's job is retried after it. */
  jobLockMs: number;
  /** A deployment or registration with no progress for this long has lost its job: the sweep fails it. */
  stuckWorkMs: number;
  /** Port of the worker's own /metrics and /health endpoints (0 turns them off). */
  workerMetricsPort: number;
  /** How long a resolved credential is cached in process (the backstop behind pub/sub revocation). */
  authCacheTtlMs: number;
  /** How many resolved credentials one process keeps. */
  authCacheMax: number;
  /**
   * While Redis is unreachable each API process enforces 1/N of every rate limit on its own: N
   * API processes share the load (default API_PROCESSES; set it to all processes behind the
   * load balancer).
   */
  throttleFallbackProcesses: number;
  /** A GraphQL document longer than this is refused before it is parsed. */
  graphqlMaxDocumentBytes: number;
  /** A GraphQL document with more tokens than this is refused while it is parsed. */
  graphqlMaxTokens: number;
  /** Whether GraphQL answers introspection (default: everywhere but production). */
  graphqlIntrospection: boolean;
  /** Whether GET /graphql serves GraphiQL to browsers (default: everywhere but production). */
  graphqlExplorer: boolean;
  /**
   * The bearer token /metrics requires; null serves it openly, except in production, where
   * /metrics is off without a token.
   */
  metricsToken: string | null;
  /** The largest WebSocket message the subscription server reads (connection_init included). */
  graphqlWsMaxPayloadBytes: number;
  /** Subscriptions one WebSocket connection may hold at once. */
  graphqlWsMaxSubscriptionsPerConnection: number;
  /** Subscriptions one key may hold at once in one API process. */
  graphqlWsMaxSubscriptionsPerKey: number;
  /**
   * HTTP statuses of the AWS edge's modelled errors: the API reference's 400s (default) or the
   * SDK model's httpError traits.
   */
  awsErrorStatuses: 'reference' | 'model';
  /** Origins whose browser pages may call the API (CORS, and the graphql-ws upgrade's Origin). */
  corsOrigins: ReadonlySet<string>;
  /** The repository (or image) root: prisma/migrations is read from here. */
  workspaceRoot: string;
  dataDir: string;
}

export const APP_ROLE = 'accountlink_app';

export class ConfigError extends Error {}

/**
 * Reads and validates the environment once. Throws ConfigError naming every bad variable, so a
 * process refuses to start instead of failing later.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const c = parsed.data;
  const dataDir = resolve(c.ACCOUNTLINK_DATA_DIR ?? join(workspaceRoot(), '.data'));
  let operatorToken = c.OPERATOR_TOKEN;
  let operatorTokenFile: string | null = null;
  if (!operatorToken) {
    if (c.NODE_ENV === 'production') {
      throw new ConfigError('Invalid configuration:\n  OPERATOR_TOKEN: required in production');
    }
    operatorTokenFile = join(dataDir, 'operator-token');
    operatorToken = readOrCreateSecret(operatorTokenFile);
  }
  if (
    c.NODE_ENV === 'production' &&
    !c.APP_DATABASE_URL &&
    c.APP_DATABASE_PASSWORD === DEFAULT_APP_DATABASE_PASSWORD
  ) {
    throw new ConfigError(
      'Invalid configuration:\n  APP_DATABASE_PASSWORD: the default password of the application role is refused in production; set APP_DATABASE_PASSWORD or APP_DATABASE_URL',
    );
  }
  return {
    env: c.NODE_ENV,
    host: c.HOST,
    port: c.PORT,
    apiProcesses: c.API_PROCESSES,
    databaseUrl: c.DATABASE_URL,
    appDatabaseUrl: c.APP_DATABASE_URL ?? deriveAppUrl(c.DATABASE_URL, c.APP_DATABASE_PASSWORD),
    appDatabasePassword: c.APP_DATABASE_PASSWORD,
    databasePoolSize: c.DATABASE_POOL_SIZE,
    apiTenantConcurrency: c.API_TENANT_CONCURRENCY,
    databaseTenantShare: Math.min(
      c.DATABASE_POOL_SIZE,
      c.DATABASE_TENANT_SHARE || Math.ceil(c.DATABASE_POOL_SIZE / 2),
    ),
    redisUrl: c.REDIS_URL,
    redisPrefix: c.REDIS_PREFIX,
    operatorToken,
    operatorTokenFile,
    cursorSecret: createHmac('sha256', operatorToken).update('accountlink:cursor').digest('hex'),
    logLevel: c.LOG_LEVEL,
    outboxPollMs: c.OUTBOX_POLL_MS,
    outboxBatchMs: c.OUTBOX_BATCH_MS,
    outboxRetentionHours: c.OUTBOX_RETENTION_HOURS,
    workerConcurrency: c.WORKER_CONCURRENCY,
    jobLockMs: c.JOB_LOCK_MS,
    stuckWorkMs: c.STUCK_WORK_MS,
    workerMetricsPort: c.WORKER_METRICS_PORT,
    authCacheTtlMs: c.AUTH_CACHE_TTL_MS,
    authCacheMax: c.AUTH_CACHE_MAX,
    throttleFallbackProcesses: c.THROTTLE_FALLBACK_PROCESSES || c.API_PROCESSES,
    graphqlMaxDocumentBytes: c.GRAPHQL_MAX_DOCUMENT_BYTES,
    graphqlMaxTokens: c.GRAPHQL_MAX_TOKENS,
    graphqlIntrospection: c.GRAPHQL_INTROSPECTION
      ? c.GRAPHQL_INTROSPECTION === 'true'
      : c.NODE_ENV !== 'production',
    graphqlExplorer: c.GRAPHQL_EXPLORER
      ? c.GRAPHQL_EXPLORER === 'true'
      : c.NODE_ENV !== 'production',
    metricsToken: c.METRICS_TOKEN ?? null,
    graphqlWsMaxPayloadBytes: c.GRAPHQL_WS_MAX_PAYLOAD_BYTES,
    graphqlWsMaxSubscriptionsPerConnection: c.GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
    graphqlWsMaxSubscriptionsPerKey: c.GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_KEY,
    awsErrorStatuses: c.AWS_ERROR_STATUSES,
    corsOrigins: new Set(c.CORS_ORIGINS),
    workspaceRoot: workspaceRoot(),
    dataDir,
  };
}

/** The folder holding nx.json, from sources (libs/config/src) and from the build (dist/libs/...). */
function workspaceRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) {
      return process.cwd();
    }
    dir = parent;
  }
  return dir;
}

function deriveAppUrl(ownerUrl: string, password: string): string {
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = password;
  return url.toString();
}

function readOrCreateSecret(file: string): string {
  if (existsSync(file)) {
    return readFileSync(file, 'utf8').trim();
  }
  mkdirSync(join(file, '..'), { recursive: true });
  const token = `op_${randomBytes(32).toString('base64url')}`;
  // 'wx' fails if a concurrent process created it first; then read theirs.
  try {
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  } catch {
    return readFileSync(file, 'utf8').trim();
  }
}
