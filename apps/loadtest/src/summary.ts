import type { RunResult } from './run';

/** The JSON summary: per operation counts, throughput, p50/p95/p99, errors by code; the audit. */
export function summaryOf(run: RunResult) {
  return {
    scenario: run.scenario,
    runId: run.runId,
    startedAt: run.startedAt,
    url: run.url,
    settings: run.settings,
    durationSeconds: run.durationSeconds,
    flows: run.flows,
    throughput: run.throughput,
    operations: Object.fromEntries(
      run.operations.map((o) => [
        o.name,
        {
          count: o.count,
          throughput: o.throughput,
          p50: o.p50,
          p95: o.p95,
          p99: o.p99,
          max: o.max,
          mean: o.mean,
          errors: o.errors,
          errorsByCode: o.errorsByCode,
          retries: o.retries,
        },
      ]),
    ),
    errorsByCode: run.errorsByCode,
    events: run.events,
    injectedFaults: run.injectedFaults,
    audit: run.audit,
  };
}
