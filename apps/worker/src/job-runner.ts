import { createServer, Server } from 'node:http';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { OutboxRelay } from '@accountlink/events';
import {
  indexHandlers,
  JOB_HANDLERS,
  JOB_QUEUES,
  JobHandler,
  JobName,
  JobProducer,
  QueueName,
  SCHEDULED_JOBS,
} from '@accountlink/jobs';
import { Metrics } from '@accountlink/observability';
import { DelayedError, Job, UnrecoverableError, Worker } from 'bullmq';

/**
 * Runs the BullMQ processors and the outbox relay. It checks at construction (before anything
 * starts) that every job has exactly one handler, so a misconfigured worker never comes up.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobRunner.name);
  private readonly handlers: Map<JobName, JobHandler>;
  private readonly workers: Worker[] = [];
  private server: Server | null = null;

  constructor(
    @Inject(JOB_HANDLERS) handlers: JobHandler[],
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly producer: JobProducer,
    private readonly relay: OutboxRelay,
    private readonly metrics: Metrics,
  ) {
    this.handlers = indexHandlers(handlers);
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const queue of Object.values(QueueName)) {
      const worker = new Worker(queue, (job, token) => this.process(job, token), {
        connection: { url: this.config.redisUrl, maxRetriesPerRequest: null },
        prefix: this.config.redisPrefix,
        concurrency: this.config.workerConcurrency,
        // A worker that dies mid-job stops renewing the lock; after it expires the job is stalled
        // and runs again (once), else it fails for good and its handler's onExhausted runs.
        lockDuration: this.config.jobLockMs,
        stalledInterval: this.config.jobLockMs,
        maxStalledCount: 1,
      });
      worker.on('completed', (job) =>
        this.metrics.jobOutcomes.inc({ job: job.name, outcome: 'completed' }),
      );
      worker.on('failed', (job, error) => {
        this.metrics.jobOutcomes.inc({ job: job?.name ?? 'unknown', outcome: 'failed' });
        this.logger.warn(
          `job ${job?.name ?? '?'} ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.message}`,
        );
        if (job && (job.attemptsMade >= (job.opts.attempts ?? 1) || job.finishedOn)) {
          void this.exhausted(job.name, job.data, error);
        }
      });
      worker.on('error', (error) => this.logger.warn(`worker ${queue}: ${error.message}`));
      this.workers.push(worker);
    }
    for (const { name, everyMs } of SCHEDULED_JOBS) {
      await this.producer
        .queue(JOB_QUEUES[name])
        .upsertJobScheduler(name, { every: everyMs }, { name, data: {} });
    }
    await this.relay.start();
    this.serveMetrics();
    this.logger.log(
      `worker running: queues ${Object.values(QueueName).join(', ')}; jobs ${[...this.handlers.keys()].join(', ')}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await Promise.all(this.workers.map((w) => w.close()));
    await this.producer.close();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private async process(job: Job, token: string | undefined): Promise<void> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) {
      throw new UnrecoverableError(`no handler for job "${job.name}"`);
    }
    const outcome = await handler.handle(job.data as never);
    if (outcome && outcome.notBefore > Date.now()) {
      // Back to the queue's delayed set until it is due; the slot is free meanwhile.
      await job.moveToDelayed(outcome.notBefore, token);
      throw new DelayedError();
    }
  }

  /** A job that failed for good: its handler may end what it stood for (no retry follows). */
  private async exhausted(name: string, data: unknown, error: Error): Promise<void> {
    const handler = this.handlers.get(name as JobName);
    try {
      await handler?.onExhausted?.(data as never, error);
    } catch (cause) {
      this.logger.error(`onExhausted of job ${name} failed: ${(cause as Error).message}`);
    }
  }

  private serveMetrics(): void {
    if (this.config.workerMetricsPort === 0) {
      return;
    }
    this.server = createServer((req, res) => {
      if (req.url === '/metrics') {
        this.metrics.outboxRelayed.reset();
        this.metrics.outboxRelayed.inc(this.relay.stats.relayed);
        void this.metrics.registry.metrics().then((body) => {
          res.writeHead(200, { 'Content-Type': this.metrics.registry.contentType });
          res.end(body);
        });
        return;
      }
      res.writeHead(req.url === '/health/live' ? 200 : 404, { 'Content-Type': 'application/json' });
      res.end(req.url === '/health/live' ? '{"status":"ok"}' : '{}');
    });
    this.server.on('error', (error) => this.logger.warn(`metrics server: ${error.message}`));
    this.server.listen(this.config.workerMetricsPort, this.config.host);
  }
}
