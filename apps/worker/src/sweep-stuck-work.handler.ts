import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { JobHandler, JobMap, JobProducer, JOB_QUEUES, JobName } from '@accountlink/jobs';
import { SystemDatabase } from '@accountlink/db';
import {
  DeploymentRepository,
  DeploymentRunner,
  TemplateRegistrationService,
  TemplateVersionRepository,
} from '@accountlink/proton';

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
    private readonly system: SystemDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly producer: JobProducer,
    private readonly runner: DeploymentRunner,
    private readonly registrations: TemplateRegistrationService,
    private readonly deployments: DeploymentRepository,
    private readonly versions: TemplateVersionRepository,
  ) {}

  async handle(data: JobMap['proton.sweep-stuck-work']): Promise<void> {
    const olderThanMs = data.olderThanMs ?? this.config.stuckWorkMs;
    const seconds = olderThanMs / 1000;
    const tenantId = data.tenantId ?? null;
    // "No progress": untouched for the threshold, and its start event already relayed (a
    // deployment whose event still waits in the outbox has no job yet, and is not lost).
    const deployments = await this.deployments.stuck(this.system.db, seconds, tenantId, BATCH);
    const versions = await this.versions.stuck(this.system.db, seconds, tenantId, BATCH);
    const reason = 'its job was lost (no worker is running it)';
    let ended = 0;
    for (const d of deployments) {
      ended += await this.endIfLost('proton.deploy-environment', d.id, () =>
        this.runner.abandon(d.tenantId, d.id, reason),
      );
    }
    for (const v of versions) {
      ended += await this.endIfLost('proton.register-template-version', v.id, () =>
        this.registrations.failRegistration(v.tenantId, v.id, reason),
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
