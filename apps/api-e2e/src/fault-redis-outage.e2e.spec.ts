import pg from 'pg';
import { CallOptions, gql, subscribe } from './test/client';
import { FaultStack, kill, startFaultStack, startRedis, stopFaultStack } from './test/fault-stack';
import { FAULT_ENV, FAULT_MGMT, faultWorld } from './test/fault-world';
import { waitFor } from './test/stack';

const ENV = FAULT_ENV;
const MGMT = FAULT_MGMT;
const ROLE = `arn:aws:iam::${ENV}:role/service-role/fault-proton-role`;
const CREATE = `mutation($input: CreateEnvironmentAccountConnectionInput!) {
  createEnvironmentAccountConnection(input: $input) { id status } }`;
const CHANGED = 'subscription { environmentAccountConnectionChanged { id status } }';
const OUTAGE_MS = 15_000;
const EVERY_MS = 250;

/**
 * Redis killed (SIGKILL) for 15 s while an environment account creates a connection every
 * 250 ms. Writes need only Postgres: none may fail. When Redis returns, every event reaches the
 * subscription that stayed open, and every role validation job runs.
 */
describe('fault: Redis killed for 15 s under a steady create load', () => {
  let stack: FaultStack;
  let owner: pg.Pool;

  beforeAll(async () => {
    stack = await startFaultStack('fault-redis');
    owner = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  }, 60_000);
  afterAll(async () => {
    await owner?.end();
    await stopFaultStack(stack);
  });

  it('loses no write and no event', async () => {
    const world = await faultWorld(stack.url, 'fault-proton-role');
    const keys: Record<string, CallOptions> = { [ENV]: world.env, [MGMT]: world.mgmt };
    const events = await subscribe<{
      environmentAccountConnectionChanged: { id: string; status: string };
    }>(keys[MGMT] as CallOptions, CHANGED);

    const created: string[] = [];
    const failures: string[] = [];
    const readiness: { status: number; body: string }[] = [];
    let n = 0;
    let loading = true;
    const load = (async () => {
      while (loading) {
        const started = Date.now();
        const res = await gql<{ createEnvironmentAccountConnection: { id: string } }>(
          CREATE,
          { input: { environmentName: `fault-${n++}`, managementAccountId: MGMT, roleArn: ROLE } },
          keys[ENV],
        );
        if (res.data?.createEnvironmentAccountConnection) {
          created.push(res.data.createEnvironmentAccountConnection.id);
        } else {
          failures.push(JSON.stringify(res.errors));
        }
        await new Promise((r) => setTimeout(r, Math.max(0, EVERY_MS - (Date.now() - started))));
      }
    })();

    await new Promise((r) => setTimeout(r, 2_000));
    const beforeOutage = created.length;
    await kill(stack.redis);
    const outageStart = Date.now();
    while (Date.now() - outageStart < OUTAGE_MS) {
      const ready = await fetch(`${stack.url}/health/ready`);
      readiness.push({ status: ready.status, body: await ready.text() });
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const duringOutage = created.length - beforeOutage;
    stack.redis = startRedis(stack.redisPort);
    await new Promise((r) => setTimeout(r, 3_000));
    loading = false;
    await load;

    // Every write succeeded, those of the outage included.
    expect(failures).toEqual([]);
    expect(duringOutage).toBeGreaterThanOrEqual(OUTAGE_MS / EVERY_MS / 2);
    // The load balancer's view during the outage: ready, with Redis degraded.
    expect(readiness.length).toBeGreaterThan(10);
    for (const r of readiness.slice(2)) {
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toMatchObject({
        status: 'degraded',
        checks: { postgres: { ok: true }, redis: { ok: false } },
      });
    }

    // Every connection's role is validated once the queue is back, and every event is published.
    await waitFor(
      async () => {
        const { rows } = await owner.query(
          `SELECT count(*)::int AS n FROM connection_role_validations WHERE "connectionId" = ANY($1::uuid[]) AND status = 'VALID'`,
          [created],
        );
        return rows[0].n === created.length;
      },
      'every role validation',
      60_000,
    );
    await waitFor(
      async () =>
        (
          await owner.query(
            `SELECT count(*)::int AS n FROM outbox_events WHERE "publishedAt" IS NULL`,
          )
        ).rows[0].n === 0,
      'the outbox to drain',
      30_000,
    );
    // The subscription stayed open through the outage and got every connection's creation.
    await waitFor(
      async () => {
        const seen = new Set(
          events.received
            .map((e) => e.environmentAccountConnectionChanged)
            .filter((c) => c.status === 'PENDING')
            .map((c) => c.id),
        );
        return created.every((id) => seen.has(id));
      },
      'every creation event at the subscriber',
      30_000,
    ).catch(() => undefined);
    const seen = new Set(events.received.map((e) => e.environmentAccountConnectionChanged.id));
    const missing = created.filter((id) => !seen.has(id));
    console.log(
      `Redis outage ${OUTAGE_MS / 1000} s: ${created.length} creates (${duringOutage} during the outage), ` +
        `${failures.length} failed; ${created.length - missing.length}/${created.length} connections' events delivered to the open subscription`,
    );
    expect(missing).toEqual([]);
    expect(events.errors).toEqual([]);
    await events.close();
  }, 120_000);
});
