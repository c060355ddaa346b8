import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SystemDatabase } from '@accountlink/db';
import { eventChannel, EventMessage, OutboxRelay, OutboxRepository } from '@accountlink/events';
import { createRedis, JobProducer } from '@accountlink/jobs';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { config } from './test/client';
import { ROOT } from './test/stack';

/**
 * The relay on its own database, so the running worker's relay does not race it: what happens to
 * events while Redis is down, and that they come out in order once it is back.
 */
describe('outbox relay', () => {
  const dbName = `accountlink_test_relay_${process.pid}`;
  const url = new URL(config.databaseUrl);
  url.pathname = `/${dbName}`;
  let admin: Pool;
  let pool: Pool;
  let system: SystemDatabase;
  let tenantId: string;

  beforeAll(async () => {
    admin = new Pool({ connectionString: config.databaseUrl, max: 1 });
    await admin.query(`CREATE DATABASE "${dbName}"`);
    execFileSync(process.execPath, [join(ROOT, 'tools', 'prisma-migrate.mjs'), 'deploy'], {
      env: { ...process.env, DATABASE_URL: url.toString() },
      stdio: 'ignore',
    });
    pool = new Pool({ connectionString: url.toString(), max: 3 });
    pool.on('error', () => undefined);
    system = new SystemDatabase(url.toString(), 3);
    tenantId = randomUUID();
    await pool.query('INSERT INTO tenants (id, name) VALUES ($1, $2)', [tenantId, 'relay']);
  }, 60_000);

  afterAll(async () => {
    await system.destroy();
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  });

  async function insertEvents(n: number, aggregateId: string): Promise<void> {
    for (let i = 0; i < n; i++) {
      await pool.query(
        `INSERT INTO outbox_events ("tenantId", type, "aggregateType", "aggregateId", "accountIds", payload)
         VALUES ($1, 'iam.role.updated', 'Role', $2, '{222222222222}', $3)`,
        [
          tenantId,
          aggregateId,
          JSON.stringify({
            accountId: '222222222222',
            roleNameKey: 'r',
            arn: 'arn:aws:iam::222222222222:role/r',
            seq: i,
          }),
        ],
      );
    }
  }

  const ready = async (redis: Redis) => {
    if (redis.status !== 'ready') {
      await new Promise((resolve) => redis.once('ready', resolve));
    }
  };

  const pending = async () =>
    Number(
      (await pool.query('SELECT count(*) AS n FROM outbox_events WHERE "publishedAt" IS NULL'))
        .rows[0].n,
    );

  it('keeps events while Redis is unreachable, then relays them all, in order, once it is back', async () => {
    const prefix = `relay-${randomUUID().slice(0, 8)}`;
    await insertEvents(5, 'role-1');

    // A Redis that is down: nothing listens on this port.
    const dead = createRedis('redis://127.0.0.1:1', { failFast: true });
    dead.on('error', () => undefined);
    const deadRelay = new OutboxRelay(
      system,
      new OutboxRepository(),
      new JobProducer(dead, prefix),
      dead,
      prefix,
      50,
    );
    await expect(deadRelay.relayOnce()).rejects.toThrow();
    expect(await pending()).toBe(5);
    dead.disconnect();

    const listener = new Redis(config.redisUrl);
    const received: EventMessage[] = [];
    listener.on('message', (_channel: string, raw: string) =>
      received.push(JSON.parse(raw) as EventMessage),
    );
    await listener.subscribe(eventChannel(prefix));
    const live = createRedis(config.redisUrl, { failFast: true });
    const producer = new JobProducer(live, prefix);
    try {
      await ready(live);
      const relay = new OutboxRelay(system, new OutboxRepository(), producer, live, prefix, 50);
      expect(await relay.relayOnce()).toBe(5);
      expect(await pending()).toBe(0);
      await new Promise((r) => setTimeout(r, 200));
      expect(received.map((m) => m.payload.seq)).toEqual([0, 1, 2, 3, 4]);
      expect(await producer.queue('events' as never).getJobCounts('waiting')).toEqual({
        waiting: 5,
      });
      // A second pass finds nothing left to send.
      expect(await relay.relayOnce()).toBe(0);
    } finally {
      await producer.queue('events' as never).obliterate({ force: true });
      await producer.close();
      live.disconnect();
      listener.disconnect();
    }
  });

  it('wakes on NOTIFY when it runs as a loop', async () => {
    const prefix = `relay-${randomUUID().slice(0, 8)}`;
    const live = createRedis(config.redisUrl, { failFast: true });
    const producer = new JobProducer(live, prefix);
    await ready(live);
    // A long poll interval: only the NOTIFY wake-up can relay within the wait below.
    const relay = new OutboxRelay(system, new OutboxRepository(), producer, live, prefix, 60_000);
    await relay.start();
    try {
      await new Promise((r) => setTimeout(r, 200));
      await insertEvents(2, 'role-2');
      const deadline = Date.now() + 3_000;
      while ((await pending()) > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await pending()).toBe(0);
      expect(relay.stats.relayed).toBe(2);
    } finally {
      await relay.stop();
      await producer.queue('events' as never).obliterate({ force: true });
      await producer.close();
      live.disconnect();
    }
  });
});
