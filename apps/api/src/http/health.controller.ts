import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { HealthRepository } from '@accountlink/db';
import { Redis } from 'ioredis';
import type { Response } from 'express';
import { PROBE_REDIS } from './probe-redis';

interface Check {
  ok: boolean;
  detail?: string;
}

@Controller('health')
export class HealthController {
  /** Migration names shipped with this build, read once at start. */
  private readonly expectedMigrations: string[];

  constructor(
    private readonly database: HealthRepository,
    @Inject(PROBE_REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.expectedMigrations = readdirSync(join(config.workspaceRoot, 'prisma', 'migrations'), {
      withFileTypes: true,
    })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  }

  @Get('live')
  @HttpCode(200)
  live(): { status: string } {
    return { status: 'ok' };
  }

  /**
   * Ready (200) when Postgres answers and every migration of this build is applied: that is all
   * a write needs. Redis carries events, caches' invalidations and the shared rate limits, and
   * each of those degrades without it, so an unreachable Redis makes the API `degraded` (still
   * 200: a load balancer keeps sending writes), not unavailable.
   */
  @Get('ready')
  async ready(
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ status: string; checks: Record<string, Check> }> {
    const [postgres, redis, migrations] = await Promise.all([
      this.checkPostgres(),
      this.checkRedis(),
      this.checkMigrations(),
    ]);
    const checks = { postgres, redis, migrations };
    const ok = postgres.ok && migrations.ok;
    res.status(ok ? 200 : 503);
    return { status: !ok ? 'unavailable' : redis.ok ? 'ok' : 'degraded', checks };
  }

  private async checkPostgres(): Promise<Check> {
    return this.database.ping().then(
      () => ({ ok: true }),
      () => ({ ok: false, detail: 'unreachable' }),
    );
  }

  private async checkRedis(): Promise<Check> {
    return this.redis.ping().then(
      (pong) => ({ ok: pong === 'PONG' }),
      () => ({ ok: false, detail: 'unreachable' }),
    );
  }

  private async checkMigrations(): Promise<Check> {
    try {
      const applied = new Set(await this.database.appliedMigrations());
      const pending = this.expectedMigrations.filter((name) => !applied.has(name));
      return pending.length === 0
        ? { ok: true }
        : { ok: false, detail: `${pending.length} pending` };
    } catch {
      return { ok: false, detail: 'migration history unreadable' };
    }
  }
}
