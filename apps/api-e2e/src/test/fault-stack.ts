import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, ROOT, spawnApp, waitFor } from './stack';

export { freePort };

/**
 * A stack of its own for the fault suite: a fresh database on the test server (migrated), a
 * Redis server of its own (append-only, fsync always, like a production Redis that must not lose
 * acknowledged jobs), and its own API and worker. Killing its Redis or its worker disturbs no
 * other test, and no other stack's relay can take its outbox rows.
 */
export interface FaultStack {
  url: string;
  databaseUrl: string;
  redisPort: number;
  api: ChildProcess;
  worker: ChildProcess;
  redis: ChildProcess;
}

/** redis-server as tools/infra.sh finds it (PATH, then Debian's and the usual prefixes). */
function redisServerBinary(): string {
  for (const dir of (process.env.PATH ?? '')
    .split(':')
    .concat(['/usr/bin', '/usr/sbin', '/usr/local/bin'])) {
    if (dir && existsSync(join(dir, 'redis-server'))) {
      return join(dir, 'redis-server');
    }
  }
  throw new Error(
    'the fault suite needs redis-server (tools/infra.sh installs it as root on Debian)',
  );
}

const REDIS_DIR = join(ROOT, '.data', 'e2e-faults', 'redis');

export function startRedis(port: number): ChildProcess {
  mkdirSync(REDIS_DIR, { recursive: true });
  return spawn(
    redisServerBinary(),
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      REDIS_DIR,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--daemonize',
      'no',
      '--protected-mode',
      'no',
      '--logfile',
      join(REDIS_DIR, 'redis.log'),
    ],
    { stdio: 'ignore' },
  );
}

/** Kills a process without warning and waits until it is gone. */
export async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await gone;
}

async function freshDatabase(name: string): Promise<string> {
  const owner = new URL(process.env.DATABASE_URL ?? '');
  const admin = new URL(owner);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  const url = new URL(owner);
  url.pathname = `/${name}`;
  prepareDatabase(url.toString());
  return url.toString();
}

/**
 * Applies the migrations to a database; with `seed`, also runs the seed, which lets the
 * application role log in (needed on a cluster of its own, not on the test server).
 */
export function prepareDatabase(databaseUrl: string, seed = false): void {
  const env = { ...process.env, DATABASE_URL: databaseUrl };
  execFileSync(process.execPath, [join(ROOT, 'tools', 'prisma-migrate.mjs'), 'deploy'], {
    cwd: ROOT,
    env,
    stdio: 'ignore',
  });
  if (seed) {
    execFileSync(
      process.execPath,
      ['-r', join(ROOT, 'tools', 'register-aliases.cjs'), join(ROOT, 'dist', 'prisma', 'seed.js')],
      { cwd: ROOT, env, stdio: 'ignore' },
    );
  }
}

/** The environment of a fault test's apps: their database, their Redis and its own prefix. */
function appEnv(name: string, databaseUrl: string, redisUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    APP_DATABASE_URL: appUrl(databaseUrl),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `accountlink-${name}`,
    WORKER_METRICS_PORT: '0',
    JOB_LOCK_MS: '2000',
  };
}

/** An API and a worker of their own on the given database and Redis; resolves once it is ready. */
export async function startApps(
  name: string,
  databaseUrl: string,
  redisUrl: string,
): Promise<{ url: string; api: ChildProcess; worker: ChildProcess }> {
  const port = await freePort();
  const env = appEnv(name, databaseUrl, redisUrl);
  const api = spawnApp('api', { ...env, PORT: String(port), HOST: '127.0.0.1' }, `${name}-api`);
  const worker = startWorker(name, databaseUrl, redisUrl);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => (await fetch(`${url}/health/ready`)).status === 200,
    `the ${name} API`,
    30_000,
  );
  return { url, api, worker };
}

/** A worker of a fault test's apps (a first one, or another after a kill). */
export function startWorker(name: string, databaseUrl: string, redisUrl: string): ChildProcess {
  return spawnApp('worker', appEnv(name, databaseUrl, redisUrl), `${name}-worker`);
}

export async function startFaultStack(name: string): Promise<FaultStack> {
  const databaseUrl = await freshDatabase(`accountlink_test_${name}`);
  rmSync(REDIS_DIR, { recursive: true, force: true });
  const redisPort = await freePort();
  const redis = startRedis(redisPort);
  const apps = await startApps(name, databaseUrl, `redis://127.0.0.1:${redisPort}`);
  return { ...apps, databaseUrl, redisPort, redis };
}

/** The application role's URL of a database (as loadConfig derives it). */
export function appUrl(ownerUrl: string): string {
  const url = new URL(ownerUrl);
  url.username = 'accountlink_app';
  url.password = process.env.APP_DATABASE_PASSWORD ?? 'accountlink_app';
  return url.toString();
}

export async function stopFaultStack(stack: FaultStack | undefined): Promise<void> {
  if (!stack) {
    return;
  }
  await Promise.all([stack.api, stack.worker, stack.redis].map(kill));
}
