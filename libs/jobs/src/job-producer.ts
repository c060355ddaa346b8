import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_QUEUES, JobRequest, QueueName } from './job-map';

export const JOB_DEFAULTS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
} as const;

/** Typed producer: `add('iam.role-changed', payload)` only compiles with that job's payload. */
export class JobProducer {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    /** Connection errors surface through the failing calls; this only observes them. */
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.connection,
        prefix: this.prefix,
        defaultJobOptions: JOB_DEFAULTS,
      });
      queue.on('error', this.onError);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Adds jobs grouped by queue, one round trip per queue. */
  async addAll(requests: readonly JobRequest[]): Promise<void> {
    const byQueue = new Map<QueueName, JobRequest[]>();
    for (const request of requests) {
      const queue = JOB_QUEUES[request.name];
      byQueue.set(queue, [...(byQueue.get(queue) ?? []), request]);
    }
    await Promise.all(
      [...byQueue].map(([queue, list]) =>
        this.queue(queue).addBulk(
          list.map((r) => ({ name: r.name, data: r.data, opts: { jobId: r.jobId } })),
        ),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
