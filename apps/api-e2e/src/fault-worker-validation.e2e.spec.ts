import { QueueName } from '@accountlink/jobs';
import { Queue } from 'bullmq';
import pg from 'pg';
import { FaultStack, kill, startFaultStack, startWorker, stopFaultStack } from './test/fault-stack';
import {
  countValidated,
  createConnection,
  faultWorld,
  waitValidatedAndDrained,
} from './test/fault-world';
import { waitFor } from './test/stack';

const NAME = 'fault-validation';
const CONNECTIONS = 40;

/**
 * The worker killed (SIGKILL) in the middle of role validations: the test holds the connections'
 * row locks, so the validation jobs the worker takes stop inside their transactions; the worker
 * is killed there, the locks are released, and another worker starts. Every validation must end
 * VALID, each connection's result recorded once (one event), and no job left failed or stuck.
 */
describe('fault: the worker killed mid-validation', () => {
  let stack: FaultStack;
  let owner: pg.Pool;

  beforeAll(async () => {
    stack = await startFaultStack(NAME);
    owner = new pg.Pool({ connectionString: stack.databaseUrl, max: 3 });
  }, 60_000);
  afterAll(async () => {
    await owner?.end();
    await stopFaultStack(stack);
  });

  it('loses no validation and records each result once', async () => {
    const world = await faultWorld(stack.url, 'validation-fault-role');
    // Without a worker the creates' validation jobs wait in the outbox for the next one.
    await kill(stack.worker);
    const ids: string[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const result = await createConnection(world, `validation-${i}`);
      expect(result).toHaveProperty('id');
      ids.push((result as { id: string }).id);
    }

    const locker = new pg.Client({ connectionString: stack.databaseUrl });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query(
      'SELECT id FROM environment_account_connections WHERE id = ANY($1::uuid[]) FOR UPDATE',
      [ids],
    );
    const redisUrl = `redis://127.0.0.1:${stack.redisPort}`;
    stack.worker = startWorker(NAME, stack.databaseUrl, redisUrl);
    // The new worker relays the outbox and takes validation jobs, which wait on the row locks.
    let blocked = 0;
    await waitFor(
      async () => {
        const { rows } = await owner.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> $1`,
          [(locker as unknown as { processID: number }).processID],
        );
        blocked = rows[0]?.n ?? 0;
        return blocked > 0;
      },
      'validation jobs waiting inside their transactions',
      30_000,
    );
    const validatedBeforeKill = await countValidated(owner, ids);
    await kill(stack.worker);
    await locker.query('COMMIT');
    await locker.end();
    const restartedAt = Date.now();
    stack.worker = startWorker(NAME, stack.databaseUrl, redisUrl);

    await waitValidatedAndDrained(owner, ids);
    const recoveredMs = Date.now() - restartedAt;
    // Each connection's result recorded once: the killed worker's transactions never committed.
    const { rows: events } = await owner.query<{ id: string; n: number }>(
      `SELECT "aggregateId" AS id, count(*)::int AS n FROM outbox_events
        WHERE type = 'proton.connection.role-validation-changed' AND "aggregateId" = ANY($1::text[])
        GROUP BY "aggregateId"`,
      [ids],
    );
    const queue = new Queue(QueueName.Events, {
      connection: { host: '127.0.0.1', port: stack.redisPort },
      prefix: `accountlink-${NAME}`,
    });
    const jobs = await queue.getJobCounts('failed', 'active', 'wait', 'delayed', 'prioritized');
    await queue.close();
    console.log(
      `worker killed mid-validation: ${blocked} job transaction(s) open at the kill, ` +
        `${validatedBeforeKill}/${CONNECTIONS} validated before it; ${CONNECTIONS}/${CONNECTIONS} ` +
        `VALID ${recoveredMs} ms after the restart; jobs left ${JSON.stringify(jobs)}`,
    );
    expect(validatedBeforeKill).toBe(0);
    expect(events.map((e) => e.n)).toEqual(ids.map(() => 1));
    expect(jobs).toEqual({ failed: 0, active: 0, wait: 0, delayed: 0, prioritized: 0 });
  }, 120_000);
});
