import cluster from 'node:cluster';
import {
  AggregatorRegistry,
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
} from 'prom-client';

const REQUEST = 'accountlink:metrics';

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
    // Every API process reads the same Redis: the processes' values are one value, not a sum.
    aggregator: 'max',
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

  readonly throttleLocalDecisions = new Counter({
    name: 'accountlink_throttle_local_decisions_total',
    help: 'Rate-limit decisions this process made alone because Redis was unreachable',
    registers: [this.registry],
  });

  readonly injectedFaults = new Counter({
    name: 'accountlink_injected_faults_total',
    help: "Faults injected into answers by tenants' fault injection settings (kind: the error, or latency)",
    labelNames: ['edge', 'kind'] as const,
    registers: [this.registry],
  });

  readonly redisOutages = new Counter({
    name: 'accountlink_redis_outages_total',
    help: 'Redis outages a component of this process went through (counted when each began)',
    labelNames: ['component'] as const,
    registers: [this.registry],
  });

  constructor(readonly processName: string) {
    this.registry.setDefaultLabels({ process: processName });
    collectDefaultMetrics({ register: this.registry });
    if (cluster.isWorker) {
      // Answers the primary's collection for the aggregate (serveClusterMetrics).
      AggregatorRegistry.setRegistries([this.registry]);
      new AggregatorRegistry();
    }
  }

  /**
   * The Prometheus text of this process, or, in a process of an API cluster, of all of them
   * (counters and CPU summed): the primary collects them (serveClusterMetrics).
   */
  async text(): Promise<string> {
    if (!cluster.isWorker || !process.send) {
      return this.registry.metrics();
    }
    const id = `${process.pid}-${++this.requests}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        process.off('message', onMessage);
        reject(new Error('the cluster primary did not answer with the metrics'));
      }, 5_000);
      const onMessage = (message: { type?: string; id?: string; text?: string }) => {
        if (message?.type === REQUEST && message.id === id) {
          clearTimeout(timer);
          process.off('message', onMessage);
          resolve(message.text ?? '');
        }
      };
      process.on('message', onMessage);
      process.send?.({ type: REQUEST, id });
    });
  }

  private requests = 0;
}

/** In the primary of an API cluster: answers the processes' requests for the aggregate metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: string; id?: string }) => {
    if (message?.type === REQUEST) {
      aggregator.clusterMetrics().then(
        (text) => worker.send({ type: REQUEST, id: message.id, text }),
        (error: Error) =>
          worker.send({ type: REQUEST, id: message.id, text: `# ${error.message}\n` }),
      );
    }
  });
}
