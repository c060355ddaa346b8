import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { JobHandler, JobMap, JobProducer, JOB_QUEUES, JobName } from '@accountlink/jobs';
import { DeploymentRunner, TemplateService } from '@accountlink/proton';
import { Pool } from 'pg';
import { OWNER_POOL } from './tokens';

const BATCH = 500;
/** Job states in which the job will still run: such work is slow, not lost. */
const ALIVE = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * The last safety net against "IN_PROGRESS forever". It finds, across tenants (the owner
 * connection), deployments and template registrations that have made no progress for
 * STUCK_WORK_MS, whose event has been relayed, and whose job will not run any more (gone, failed,
 * or completed without ending them). Each is ended through the same service code as a job that
 * failed for good. Work whose job is still queued, delayed or running is left alone, however old.
 */
@Injectable()
export class SweepStuckWorkHandler implements JobHandler<'proton.sweep-stuck-work'> {
  readonly jobName = 'proton.sweep-stuck-work' as const;
  private readonly logger = new Logger(SweepStuckWorkHandler.name);

  constructor(
    @Inject(OWNER_POOL) private readonly pool: Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly producer: JobProducer,
    private readonly runner: DeploymentRunner,
    private readonly templates: TemplateService,
  ) {}

  async handle(data: JobMap['proton.sweep-stuck-work']): Promise<void> {
    const olderThanMs = data.olderThanMs ?? this.config.stuckWorkMs;
    const params = [olderThanMs / 1000, data.tenantId ?? null, BATCH];
    // "No progress": untouched for the threshold, and its start event already relayed (a
    // deployment whose event still waits in the outbox has no job yet, and is not lost).
    const deployments = await this.pool.query<{ tenantId: string; id: string }>(
      `SELECT d."tenantId"::text AS "tenantId", d."id"::text AS "id" FROM "deployments" d
        WHERE d."status" IN ('IN_PROGRESS', 'CANCELLING', 'DELETE_IN_PROGRESS')
          AND d."lastModifiedAt" < now() - make_interval(secs => $1)
          AND ($2::uuid IS NULL OR d."tenantId" = $2::uuid)
          AND NOT EXISTS (SELECT 1 FROM "outbox_events" o
                           WHERE o."publishedAt" IS NULL AND o."aggregateId" = d."environmentId"::text
                             AND o."type" = 'proton.environment.deployment-started')
        ORDER BY d."lastModifiedAt" LIMIT $3`,
      params,
    );
    const versions = await this.pool.query<{ tenantId: string; id: string }>(
      `SELECT v."tenantId"::text AS "tenantId", v."id"::text AS "id" FROM "environment_template_versions" v
        WHERE v."status" = 'REGISTRATION_IN_PROGRESS'
          AND v."lastModifiedAt" < now() - make_interval(secs => $1)
          AND ($2::uuid IS NULL OR v."tenantId" = $2::uuid)
          AND NOT EXISTS (SELECT 1 FROM "outbox_events" o
                           WHERE o."publishedAt" IS NULL AND o."aggregateId" = v."id"::text)
        ORDER BY v."lastModifiedAt" LIMIT $3`,
      params,
    );
    const reason = 'its job was lost (no worker is running it)';
    let ended = 0;
    for (const d of deployments.rows) {
      ended += await this.endIfLost('proton.deploy-environment', d.id, () =>
        this.runner.abandon(d.tenantId, d.id, reason),
      );
    }
    for (const v of versions.rows) {
      ended += await this.endIfLost('proton.register-template-version', v.id, () =>
        this.templates.failRegistration(v.tenantId, v.id, reason),
      );
    }
    if (ended > 0) {
      this.logger.warn(`ended ${ended} deployment(s) or registration(s) whose job was lost`);
    }
  }

  /** Ends the work unless its job will still run; one failure does not stop the sweep. */
  private async endIfLost(job: JobName, id: string, end: () => Promise<void>): Promise<number> {
    try {
      const state = await this.producer.queue(JOB_QUEUES[job]).getJobState(`${job}.${id}`);
      if (ALIVE.has(state)) {
        return 0;
      }
      await end();
      return 1;
    } catch (error) {
      this.logger.error(`could not sweep ${job} ${id}: ${(error as Error).message}`);
      return 0;
    }
  }
}
