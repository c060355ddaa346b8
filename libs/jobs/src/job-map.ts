/** Every queue AccountLink uses. */
export enum QueueName {
  Events = 'events',
  Maintenance = 'maintenance',
  /** Proton deployments: long-running (the simulated provisioning time), kept off the events queue. */
  Provisioning = 'provisioning',
}

/**
 * The one map from job name to payload. Jobs carry ids, never rows: a handler reloads what it
 * needs, so a job is safe to run twice and after the data changed.
 */
export interface JobMap {
  /** A role was created, changed or deleted: revalidate whatever names it. */
  'iam.role-changed': {
    tenantId: string;
    accountId: string;
    roleNameKey: string;
    roleArn: string;
    eventId: string;
  };
  /**
   * Check each role the Proton connections name: it exists and trusts the right service. The
   * relay gives one job the connections of one tenant whose roles changed in one relayed batch.
   */
  'proton.validate-connection-roles': { tenantId: string; connectionIds: string[] };
  /** Check a role associated with a CodeCatalyst account connection. */
  'codecatalyst.validate-connection-role': {
    tenantId: string;
    connectionId: string;
    roleArn: string;
  };
  /** Check the bundle of a new environment template version: DRAFT or REGISTRATION_FAILED. */
  'proton.register-template-version': { tenantId: string; versionId: string };
  /** Run an environment deployment (create, update or delete) to its end. */
  'proton.deploy-environment': { tenantId: string; deploymentId: string };
  /**
   * The safety net: deployments and registrations that made no progress for `olderThanMs` (their
   * jobs lost) end FAILED / REGISTRATION_FAILED. Scheduled with no data: every tenant, the
   * configured threshold.
   */
  'proton.sweep-stuck-work': { tenantId?: string; olderThanMs?: number };
  /** Move CodeCatalyst connection requests past their expiry to EXPIRED. */
  'codecatalyst.expire-connections': Record<string, never>;
  /** Delete relayed outbox rows older than the retention window. */
  'outbox.purge': Record<string, never>;
  /** Delete bulk worlds' sealed credentials past their expiry, never downloaded. */
  'iam.purge-world-credentials': Record<string, never>;
}

export type JobName = keyof JobMap;

/** Which queue each job goes to; a `Record` so that adding a job without a queue does not compile. */
export const JOB_QUEUES: Record<JobName, QueueName> = {
  'iam.role-changed': QueueName.Events,
  'proton.validate-connection-roles': QueueName.Events,
  'outbox.purge': QueueName.Maintenance,
  'codecatalyst.expire-connections': QueueName.Maintenance,
  'codecatalyst.validate-connection-role': QueueName.Events,
  'proton.register-template-version': QueueName.Events,
  'proton.deploy-environment': QueueName.Provisioning,
  'proton.sweep-stuck-work': QueueName.Maintenance,
  'iam.purge-world-credentials': QueueName.Maintenance,
};

/** Jobs the worker schedules itself (repeatable), and how often. */
export const SCHEDULED_JOBS: readonly { name: JobName; everyMs: number }[] = [
  { name: 'outbox.purge', everyMs: 60 * 60 * 1000 },
  { name: 'codecatalyst.expire-connections', everyMs: 30 * 1000 },
  { name: 'proton.sweep-stuck-work', everyMs: 60 * 1000 },
  { name: 'iam.purge-world-credentials', everyMs: 10 * 60 * 1000 },
];

export const JOB_NAMES = Object.keys(JOB_QUEUES) as JobName[];

export interface JobRequest<K extends JobName = JobName> {
  name: K;
  data: JobMap[K];
  /** Deduplicates: BullMQ ignores a second job with the same id while the first is kept (no ":" allowed). */
  jobId: string;
}

export interface JobHandler<K extends JobName = JobName> {
  readonly jobName: K;
  /**
   * Runs the job. A handler whose work is not due yet answers `{ notBefore }` (epoch ms): the
   * runner puts the job back as a delayed job until then, so no worker slot waits meanwhile.
   */
  handle(data: JobMap[K]): Promise<void | JobPostponed>;
  /** Called once when the job has failed for good (retries exhausted, or stalled too often). */
  onExhausted?(data: JobMap[K], error: Error): Promise<void>;
}

/** What a handler answers when its job is not due yet. */
export interface JobPostponed {
  notBefore: number;
}

/** Nest multi-provider token under which feature modules register their job handlers. */
export const JOB_HANDLERS = Symbol('JOB_HANDLERS');

/**
 * Checks that every job name has exactly one handler. The worker refuses to start otherwise, so a
 * job can never sit in a queue that nothing processes, or be processed twice.
 */
export function indexHandlers(handlers: readonly JobHandler[]): Map<JobName, JobHandler> {
  const byName = new Map<JobName, JobHandler[]>();
  for (const handler of handlers) {
    byName.set(handler.jobName, [...(byName.get(handler.jobName) ?? []), handler]);
  }
  const problems: string[] = [];
  for (const name of JOB_NAMES) {
    const found = byName.get(name) ?? [];
    if (found.length === 0) {
      problems.push(`job "${name}" has no handler`);
    } else if (found.length > 1) {
      problems.push(
        `job "${name}" has ${found.length} handlers: ${found.map((h) => h.constructor.name).join(', ')}`,
      );
    }
  }
  for (const name of byName.keys()) {
    if (!JOB_NAMES.includes(name)) {
      problems.push(`handler for unknown job "${String(name)}"`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`Refusing to start: ${problems.join('; ')}`);
  }
  return new Map([...byName].map(([name, list]) => [name, list[0] as JobHandler]));
}
