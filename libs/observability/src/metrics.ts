import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one process. */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'accountlink_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'accountlink_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly graphqlOperations = new Counter({
    name: 'accountlink_graphql_operations_total',
    help: 'GraphQL operations by type and outcome (ok or the error code)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly queueJobs = new Gauge({
    name: 'accountlink_queue_jobs',
    help: 'Jobs per queue and state (waiting, active, delayed, failed, completed), read at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly jobOutcomes = new Counter({
    name: 'accountlink_job_outcomes_total',
    help: 'Jobs processed by this worker, by job name and outcome',
    labelNames: ['job', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly outboxRelayed = new Counter({
    name: 'accountlink_outbox_relayed_total',
    help: 'Outbox events relayed to Redis by this worker',
    registers: [this.registry],
  });

  constructor(readonly processName: string) {
    this.registry.setDefaultLabels({ process: processName });
    collectDefaultMetrics({ register: this.registry });
  }
}
