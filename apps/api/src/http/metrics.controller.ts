import {
  Controller,
  Get,
  Header,
  Headers,
  Inject,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { constantTimeEqual } from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { JobProducer, QueueName } from '@accountlink/jobs';
import { Metrics } from '@accountlink/observability';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(JobProducer) private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * With METRICS_TOKEN set, a scrape must send it as a bearer token; in production without one
   * /metrics is off (it tells queue depths and request counts to anyone who asks).
   */
  private admit(authorization: string | undefined): void {
    const token = this.config.metricsToken;
    if (!token) {
      if (this.config.env === 'production') {
        throw new NotFoundException();
      }
      return;
    }
    const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
    if (!constantTimeEqual(given, token)) {
      throw new UnauthorizedException('/metrics requires the METRICS_TOKEN bearer token');
    }
  }

  /** Prometheus text format. Queue depths are read from Redis at scrape time. */
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async scrape(@Headers('authorization') authorization?: string): Promise<string> {
    this.admit(authorization);
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
