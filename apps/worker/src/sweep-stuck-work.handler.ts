import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { JobHandler, JobMap } from '@accountlink/jobs';
import { DeploymentRunner, TemplateService } from '@accountlink/proton';
import { Pool } from 'pg';
import { OWNER_POOL } from './tokens';

const BATCH = 500;

/**
 * The last safety net against "IN_PROGRESS forever": finds, across tenants (the owner
 * connection), deployments and template registrations that made no progress for longer than a
 * deployment can take, and ends each through the same service code as a job that failed for good.
 */
@Injectable()
export class SweepStuckWorkHandler implements JobHandler<'proton.sweep-stuck-work'> {
  readonly jobName = 'proton.sweep-stuck-work' as const;
  private readonly logger = new Logger(SweepStuckWorkHandler.name);

  constructor(
    @Inject(OWNER_POOL) private readonly pool: Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runner: DeploymentRunner,
    private readonly templates: TemplateService,
  ) {}

  async handle(data: JobMap['proton.sweep-stuck-work']): Promise<void> {
    const olderThanMs = data.olderThanMs ?? this.config.stuckWorkMs;
    const seconds = Math.round(olderThanMs / 1000);
    const params = [olderThanMs / 1000, data.tenantId ?? null, BATCH];
    const deployments = await this.pool.query<{ tenantId: string; id: string }>(
      `SELECT "tenantId"::text AS "tenantId", "id"::text AS "id" FROM "deployments"
        WHERE "status" IN ('IN_PROGRESS', 'CANCELLING', 'DELETE_IN_PROGRESS')
          AND "lastModifiedAt" < now() - make_interval(secs => $1)
          AND ($2::uuid IS NULL OR "tenantId" = $2::uuid)
        ORDER BY "lastModifiedAt" LIMIT $3`,
      params,
    );
    for (const d of deployments.rows) {
      await this.runner.abandon(
        d.tenantId,
        d.id,
        `no progress for ${seconds} s (its worker was lost)`,
      );
    }
    const versions = await this.pool.query<{ tenantId: string; id: string }>(
      `SELECT "tenantId"::text AS "tenantId", "id"::text AS "id" FROM "environment_template_versions"
        WHERE "status" = 'REGISTRATION_IN_PROGRESS'
          AND "lastModifiedAt" < now() - make_interval(secs => $1)
          AND ($2::uuid IS NULL OR "tenantId" = $2::uuid)
        ORDER BY "lastModifiedAt" LIMIT $3`,
      params,
    );
    for (const v of versions.rows) {
      await this.templates.failRegistration(
        v.tenantId,
        v.id,
        `no progress for ${seconds} s (its worker was lost)`,
      );
    }
    if (deployments.rowCount || versions.rowCount) {
      this.logger.warn(
        `ended ${deployments.rowCount ?? 0} stuck deployment(s) and ${versions.rowCount ?? 0} stuck registration(s)`,
      );
    }
  }
}
