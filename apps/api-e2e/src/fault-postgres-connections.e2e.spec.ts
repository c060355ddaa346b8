import pg from 'pg';
import { appUrl, FaultStack, startFaultStack, stopFaultStack } from './test/fault-stack';
import { CreateLoad, createLoad, faultWorld, waitValidatedAndDrained } from './test/fault-world';
import { waitFor } from './test/stack';

const NAME = 'fault-pgconns';
/** The connections the database accepts (the application role's; superusers are exempt). */
const SLOTS = 12;
const HOLD_MS = 5_000;

/**
 * Postgres connections exhausted under a create load: the database takes at most SLOTS
 * connections, another client holds every one of them, and the apps' pooled connections are
 * dropped (as when a pool recycles its connections while the slots are taken). Requests made
 * meanwhile are refused as retryable (SERVICE_UNAVAILABLE, never an internal error); once the
 * slots are free the apps reconnect by themselves, nothing committed is lost and nothing is stuck.
 */
describe('fault: Postgres connections exhausted under a create load', () => {
  let stack: FaultStack;
  let owner: pg.Pool;
  let database: string;
  let load: CreateLoad | undefined;
  const holders: pg.Client[] = [];

  beforeAll(async () => {
    stack = await startFaultStack(NAME);
    // The owner is a superuser on the test server: the connection limit does not apply to it.
    owner = new pg.Pool({ connectionString: stack.databaseUrl, max: 2, idleTimeoutMillis: 0 });
    database = new URL(stack.databaseUrl).pathname.slice(1);
  }, 60_000);
  afterAll(async () => {
    // Also when the test failed half-way: no load or held slot may outlive it.
    await load?.stop();
    await Promise.all(holders.map((h) => h.end().catch(() => undefined)));
    await owner?.query(`ALTER DATABASE "${database}" CONNECTION LIMIT -1`).catch(() => undefined);
    await owner?.end();
    await stopFaultStack(stack);
  });

  it('refuses only retryably while the slots are taken, and loses and leaves nothing', async () => {
    const world = await faultWorld(stack.url, 'pgconns-fault-role');
    const running = createLoad(world, 'pgconns', 100);
    load = running;
    const refusedSoFar = () => Object.values(running.refusals).reduce((a, b) => a + b, 0);
    await new Promise((r) => setTimeout(r, 1_500));
    const before = running.created.length;

    await owner.query(`ALTER DATABASE "${database}" CONNECTION LIMIT ${SLOTS}`);
    let exhausted = false;
    for (let attempt = 0; attempt < SLOTS * 4 && !exhausted; attempt++) {
      // Drop the apps' application-role connections, then take a slot before they reconnect.
      await owner.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = $1 AND usename = 'accountlink_app' AND NOT (pid = ANY($2::int[]))`,
        [database, holders.map((h) => (h as unknown as { processID: number }).processID)],
      );
      const holder = new pg.Client({ connectionString: appUrl(stack.databaseUrl) });
      holder.on('error', () => undefined);
      try {
        await holder.connect();
        holders.push(holder);
      } catch (error) {
        const code = (error as { code?: string }).code;
        expect(code).toBe('53300');
        const { rows } = await owner.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = $1 AND usename = 'accountlink_app' AND NOT (pid = ANY($2::int[]))`,
          [database, holders.map((h) => (h as unknown as { processID: number }).processID)],
        );
        exhausted = rows[0]?.n === 0;
      }
    }
    expect(exhausted).toBe(true);
    const exhaustedAt = Date.now();
    const held = holders.length;
    const atExhaustion = running.created.length;
    const refusedBefore = refusedSoFar();
    const ready = await fetch(`${stack.url}/health/ready`);
    await new Promise((r) => setTimeout(r, HOLD_MS));
    const duringExhaustion = running.created.length - atExhaustion;
    const refusedWhileHeld = refusedSoFar() - refusedBefore;

    await Promise.all(holders.splice(0).map((h) => h.end()));
    await owner.query(`ALTER DATABASE "${database}" CONNECTION LIMIT -1`);
    const heldMs = Date.now() - exhaustedAt;
    const after = running.created.length;
    await waitFor(
      async () => running.created.length >= after + 10,
      'creates to succeed again',
      20_000,
    );
    await running.stop();

    console.log(
      `Postgres connections exhausted for ${heldMs} ms (${held} slots held) under a create ` +
        `every 100 ms: ${running.created.length} created (${before} before, ${duringExhaustion} while held), ` +
        `refused: ${JSON.stringify(running.refusals)}; /health/ready meanwhile ${ready.status}`,
    );
    // The fault bit: requests were refused while the slots were held ...
    expect(refusedWhileHeld).toBeGreaterThan(0);
    // ... only as retryable, never as an internal error.
    expect(Object.keys(running.refusals).filter((code) => code !== 'SERVICE_UNAVAILABLE')).toEqual(
      [],
    );
    expect(ready.status).toBe(503);
    // Both apps stayed up and reconnected by themselves; nothing lost or stuck.
    expect([stack.api.exitCode, stack.worker.exitCode]).toEqual([null, null]);
    await waitValidatedAndDrained(owner, running.created);
  }, 120_000);
});
