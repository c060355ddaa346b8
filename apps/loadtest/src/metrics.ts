import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/** Latencies are recorded in microseconds, from 1 µs to 10 minutes, to 3 significant digits. */
const newHistogram = (): Histogram =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
  });

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** One second (or interval) of the run: per operation its count and percentiles (ms), errors by code. */
export interface Interval {
  /** Seconds since the start of the run, at the interval's end. */
  t: number;
  ops: Record<string, { count: number; errors: number } & Percentiles>;
  errors: Record<string, number>;
}

export interface OperationSummary extends Percentiles {
  name: string;
  count: number;
  /** Operations that ended in an error (counted in `count`). */
  errors: number;
  /** Operations per second over the run's measured wall time. */
  throughput: number;
  mean: number;
  errorsByCode: Record<string, number>;
  /** Attempts beyond the first that the client's retry strategy made (AWS SDK). */
  retries: number;
}

const ms = (micros: number): number => Math.round(micros) / 1000;

function percentiles(h: Histogram): Percentiles {
  if (h.totalCount === 0) {
    return { p50: 0, p95: 0, p99: 0, max: 0 };
  }
  return {
    p50: ms(h.getValueAtPercentile(50)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    max: ms(h.maxValue),
  };
}

class Operation {
  readonly total = newHistogram();
  readonly interval = newHistogram();
  count = 0;
  errors = 0;
  intervalCount = 0;
  intervalErrors = 0;
  retries = 0;
  readonly errorsByCode = new Map<string, number>();
}

/**
 * Per-operation latency histograms (HdrHistogram) for the whole run and for the current interval,
 * error counts by code, and the series of intervals the live view and the report draw.
 */
export class Recorder {
  private readonly ops = new Map<string, Operation>();
  private intervalErrors = new Map<string, number>();
  readonly intervals: Interval[] = [];
  private readonly startedAt: number;
  private endedAt: number | null = null;

  constructor(now = performance.now()) {
    this.startedAt = now;
  }

  private op(name: string): Operation {
    let op = this.ops.get(name);
    if (!op) {
      op = new Operation();
      this.ops.set(name, op);
    }
    return op;
  }

  /** One operation: its latency in ms, and the error code it ended with (if any). */
  record(name: string, latencyMs: number, errorCode?: string, retries = 0): void {
    const op = this.op(name);
    const micros = Math.max(1, Math.round(latencyMs * 1000));
    op.total.recordValue(micros);
    op.interval.recordValue(micros);
    op.count++;
    op.intervalCount++;
    op.retries += retries;
    if (errorCode) {
      op.errors++;
      op.intervalErrors++;
      op.errorsByCode.set(errorCode, (op.errorsByCode.get(errorCode) ?? 0) + 1);
      this.intervalErrors.set(errorCode, (this.intervalErrors.get(errorCode) ?? 0) + 1);
    }
  }

  /** Closes the current interval (the live view calls it every second). */
  tick(now = performance.now()): Interval {
    const interval: Interval = {
      t: Math.round(now - this.startedAt) / 1000,
      ops: {},
      errors: Object.fromEntries(this.intervalErrors),
    };
    for (const [name, op] of this.ops) {
      interval.ops[name] = {
        count: op.intervalCount,
        errors: op.intervalErrors,
        ...percentiles(op.interval),
      };
      op.interval.reset();
      op.intervalCount = 0;
      op.intervalErrors = 0;
    }
    this.intervalErrors = new Map();
    this.intervals.push(interval);
    return interval;
  }

  end(now = performance.now()): void {
    this.endedAt = now;
  }

  /** Seconds from the start to `end()` (or now). */
  elapsedSeconds(now = performance.now()): number {
    return ((this.endedAt ?? now) - this.startedAt) / 1000;
  }

  /** Totals so far: operations, errors, and the p99 over all operations (ms). */
  progress(): { ops: number; errors: number; p99: number } {
    const all = newHistogram();
    let ops = 0;
    let errors = 0;
    for (const op of this.ops.values()) {
      all.add(op.total);
      ops += op.count;
      errors += op.errors;
    }
    return { ops, errors, p99: percentiles(all).p99 };
  }

  summary(): OperationSummary[] {
    const seconds = this.elapsedSeconds();
    return [...this.ops.entries()].map(([name, op]) => ({
      name,
      count: op.count,
      errors: op.errors,
      throughput: seconds > 0 ? Math.round((op.count / seconds) * 10) / 10 : 0,
      mean: ms(op.total.mean),
      ...percentiles(op.total),
      errorsByCode: Object.fromEntries(op.errorsByCode),
      retries: op.retries,
    }));
  }
}
