import { ChildProcess, execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { kill, prepareDatabase, startApps } from './test/fault-stack';
import { createLoad, faultWorld, waitValidatedAndDrained } from './test/fault-world';
import { freePort, ROOT, waitFor } from './test/stack';

const DATA = join(ROOT, '.data', 'e2e-faults', 'pg-cluster');

/**
 * Postgres restarted under a create load, on a cluster of its own (tools/infra.sh with its own
 * data folder and ports), so that no other test loses its database. Requests made while it is
 * down are refused as retryable (SERVICE_UNAVAILABLE, never an internal error); nothing committed
 * is lost, and nothing is left stuck: every created connection's role is validated afterwards.
 */
describe('fault: Postgres restarted under a create load', () => {
  let env: Record<string, string>;
  let api: ChildProcess;
  let worker: ChildProcess;
  let url: string;
  let owner: pg.Pool;

  const infra = (...args: string[]) =>
    execFileSync('bash', [join(ROOT, 'tools', 'infra.sh'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });

  beforeAll(async () => {
    rmSync(DATA, { recursive: true, force: true });
    env = {
      ACCOUNTLINK_DATA_DIR: DATA,
      ACCOUNTLINK_PG_PORT: String(await freePort()),
      ACCOUNTLINK_REDIS_PORT: String(await freePort()),
    };
    infra('up', 'accountlink_fault');
    const urls = Object.fromEntries(
      infra('env', 'accountlink_fault')
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    ) as { DATABASE_URL: string; REDIS_URL: string };
    prepareDatabase(urls.DATABASE_URL, true);
    ({ url, api, worker } = await startApps('pg-fault', urls.DATABASE_URL, urls.REDIS_URL));
    owner = new pg.Pool({ connectionString: urls.DATABASE_URL, max: 2 });
    owner.on('error', () => undefined);
  }, 120_000);

  afterAll(async () => {
    await owner?.end().catch(() => undefined);
    await Promise.all([api, worker].filter(Boolean).map(kill));
    try {
      infra('down');
    } finally {
      rmSync(DATA, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses only retryably while it is down, and loses and leaves nothing', async () => {
    const world = await faultWorld(url, 'pg-fault-role');
    const load = createLoad(world, 'pg-fault', 100);
    const { created, refusals } = load;
    await new Promise((r) => setTimeout(r, 1_500));
    const before = created.length;
    // A fast shutdown (SIGINT to the postmaster), then the same cluster started again.
    const pid = Number(
      readFileSync(join(DATA, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    const stoppedAt = Date.now();
    process.kill(pid, 'SIGINT');
    await waitFor(async () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 'Postgres to stop');
    await new Promise((r) => setTimeout(r, 2_000));
    infra('up', 'accountlink_fault');
    const downMs = Date.now() - stoppedAt;
    const after = created.length;
    // Creates succeed again once the pool has new connections.
    await waitFor(async () => created.length >= after + 10, 'creates to succeed again', 20_000);
    await load.stop();

    console.log(
      `Postgres down ${downMs} ms under a create every 100 ms: ${created.length} created ` +
        `(${before} before), refused: ${JSON.stringify(refusals)}`,
    );
    // Refused while down only as retryable, never as an internal error.
    expect(Object.keys(refusals).filter((code) => code !== 'SERVICE_UNAVAILABLE')).toEqual([]);
    // Nothing lost or stuck: every create answered with an id is stored, and its role validated;
    // the validations' own events go out too: the relay drains the outbox.
    await waitValidatedAndDrained(owner, created);
  }, 120_000);
});
