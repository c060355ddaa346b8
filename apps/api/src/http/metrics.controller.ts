import { Controller, Get, Header, Inject } from '@nestjs/common';
import { JobProducer, QueueName } from '@accountlink/jobs';
import { Metrics } from '@accountlink/observability';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(JobProducer) private readonly producer: JobProducer,
  ) {}

  /** Prometheus text format. Queue depths are read from Redis at scrape time. */
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async scrape(): Promise<string> {
    await Promise.all(
      Object.values(QueueName).map(async (queue) => {
        const counts = await this.producer
          .queue(queue)
          .getJobCounts(...STATES)
          .catch(() => null);
        for (const state of STATES) {
          if (counts) {
            this.metrics.queueJobs.set({ queue, state }, counts[state] ?? 0);
          }
        }
      }),
    );
    return this.metrics.text();
  }
}
