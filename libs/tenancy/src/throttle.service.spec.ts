import { randomUUID } from 'node:crypto';
import { createServer, Server, Socket } from 'node:net';
import { AppError, ErrorCode } from '@accountlink/common';
import { AppConfig, loadConfig } from '@accountlink/config';
import { Metrics } from '@accountlink/observability';
import { Logger } from '@nestjs/common';
import { CacheInvalidations } from './cache-invalidation';
import { TenantRepository } from './repositories/tenant.repository';
import { TenantSettingsService } from './tenant-settings.service';
import { ThrottleService } from './throttle.service';

/**
 * A TCP relay in front of the test Redis that the test can cut and restore: Redis itself stays
 * up for every other test, while this client sees it vanish and come back on the same address.
 */
class CuttableRelay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Refuses new connections and breaks the open ones, as a dead Redis would. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  }
}

describe('ThrottleService when Redis goes away and comes back', () => {
  const base = loadConfig();
  const target = new URL(base.redisUrl);
  const relay = new CuttableRelay(target.hostname, Number(target.port || 6379));
  let throttle: ThrottleService;
  let metrics: Metrics;
  let config: AppConfig;
  const LIMIT = 10;
  const PROCESSES = 2;

  /** Hits `key` n times; returns how many were let through. */
  async function allowed(key: string, n: number): Promise<number> {
    let passed = 0;
    for (let i = 0; i < n; i++) {
      try {
        // An hour's window, so that the counts of one test never straddle two windows.
        await throttle.hit(key, LIMIT, 3600, `over ${LIMIT}`);
        passed++;
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe(ErrorCode.THROTTLED);
      }
    }
    return passed;
  }

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await relay.up();
    const url = new URL(base.redisUrl);
    url.port = String(relay.port);
    config = { ...base, redisUrl: url.toString(), throttleFallbackProcesses: PROCESSES };
    metrics = new Metrics('throttle-test');
    const unused = new CacheInvalidations();
    throttle = new ThrottleService(
      config,
      // check() reads the tenant's rate here; these tests count with hit() and their own limit.
      new TenantSettingsService(null as never, new TenantRepository(), unused),
      metrics,
    );
    const deadline = Date.now() + 5_000;
    while ((throttle as unknown as { redis: { status: string } }).redis.status !== 'ready') {
      if (Date.now() > deadline) {
        throw new Error('the throttle never connected');
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  afterAll(async () => {
    throttle.onApplicationShutdown();
    await relay.cut();
  });

  const local = async () =>
    (await metrics.registry.getSingleMetricAsString('accountlink_throttle_local_decisions_total'))
      .split('\n')
      .map((line) => /^accountlink_throttle_local_decisions_total\{.*\} (\d+)$/.exec(line)?.[1])
      .find(Boolean);

  it('counts in Redis while it answers: the whole limit, shared', async () => {
    expect(await allowed(`shared-${randomUUID()}`, LIMIT + 3)).toBe(LIMIT);
    expect(throttle.isDegraded).toBe(false);
    expect(await local()).toBe('0');
  });

  it('decides alone while Redis is unreachable: no request fails, each process allows its share', async () => {
    await relay.cut();
    const key = `outage-${randomUUID()}`;
    expect(await allowed(key, LIMIT + 3)).toBe(LIMIT / PROCESSES);
    expect(throttle.isDegraded).toBe(true);
    expect(Number(await local())).toBe(LIMIT + 3);
    const outages = await metrics.registry.getSingleMetricAsString(
      'accountlink_redis_outages_total',
    );
    expect(outages).toMatch(/component="throttle".* 1$/m);
  });

  it('goes back to the shared count once Redis answers again', async () => {
    await relay.up();
    // ioredis reconnects within its retry delay (at most 2 s); until then decisions stay local.
    const deadline = Date.now() + 10_000;
    while (throttle.isDegraded) {
      if (Date.now() > deadline) {
        throw new Error('the throttle never went back to Redis');
      }
      await allowed(`probe-${randomUUID()}`, 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await allowed(`back-${randomUUID()}`, LIMIT + 3)).toBe(LIMIT);
  });
});
