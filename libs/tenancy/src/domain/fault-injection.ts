import { AppError } from '@accountlink/common';

/**
 * Faults a tenant injects into the answers of the AWS edge, so that its own clients can be tested
 * against throttling, errors and latency (the tenant's `faultInjection` setting). A rule names the
 * operations it applies to with a glob over their names (`*` for any run of characters:
 * `List*`, `*EnvironmentAccountConnection`, `*`); the first rule that matches applies. An injected
 * fault is decided before the operation runs, so it never changes state.
 */
export type LatencyDistribution = 'FIXED' | 'UNIFORM' | 'NORMAL';

export interface InjectedLatency {
  distribution: LatencyDistribution;
  /** FIXED: the delay. */
  ms?: number | null;
  /** UNIFORM: the bounds. */
  minMs?: number | null;
  maxMs?: number | null;
  /** NORMAL: mean and standard deviation, never below 0. */
  meanMs?: number | null;
  stddevMs?: number | null;
  /** No delay longer than this (default and most: MAX_LATENCY_MS). */
  ceilingMs?: number | null;
}

export interface FaultRule {
  operations: string;
  latency?: InjectedLatency | null;
  /** Shares of the matching requests answered with each error, from 0 to 1, summing to 1 at most. */
  throttlingRate?: number | null;
  internalErrorRate?: number | null;
  unavailableRate?: number | null;
}

export type InjectedError =
  'ThrottlingException' | 'InternalServerException' | 'ServiceUnavailableException';

export interface FaultDecision {
  delayMs: number;
  error: InjectedError | null;
}

export const MAX_FAULT_RULES = 20;
export const MAX_LATENCY_MS = 30_000;
const OPERATIONS_PATTERN = /^[A-Za-z*]{1,100}$/;
const NO_FAULT: FaultDecision = { delayMs: 0, error: null };

/** Whether `name` matches the glob (only `*` is special), in linear time. */
export function globMatches(glob: string, name: string): boolean {
  const parts = glob.split('*');
  if (parts.length === 1) {
    return glob === name;
  }
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (!name.startsWith(first) || name.length < first.length + last.length) {
    return false;
  }
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = name.indexOf(part, at);
    if (found < 0) {
      return false;
    }
    at = found + part.length;
  }
  return name.length - last.length >= at && name.endsWith(last);
}

function checkMs(field: string, value: number | null | undefined): void {
  if (
    value !== undefined &&
    value !== null &&
    !(Number.isInteger(value) && value >= 0 && value <= MAX_LATENCY_MS)
  ) {
    throw AppError.badInput(field, `${field} must be an integer from 0 to ${MAX_LATENCY_MS}`);
  }
}

function checkRate(field: string, value: number | null | undefined): number {
  if (value === undefined || value === null) {
    return 0;
  }
  if (!(value >= 0 && value <= 1)) {
    throw AppError.badInput(field, `${field} must be from 0 to 1`);
  }
  return value;
}

/** Refuses rules that could not be applied as written, naming the member at fault. */
export function checkFaultRules(rules: readonly FaultRule[]): void {
  if (rules.length > MAX_FAULT_RULES) {
    throw AppError.badInput('faultInjection', `At most ${MAX_FAULT_RULES} fault injection rules`);
  }
  rules.forEach((rule, i) => {
    const at = `faultInjection.${i}`;
    if (!OPERATIONS_PATTERN.test(rule.operations)) {
      throw AppError.badInput(
        `${at}.operations`,
        `${at}.operations is a glob of operation names: letters and *, 1 to 100 characters`,
      );
    }
    const total =
      checkRate(`${at}.throttlingRate`, rule.throttlingRate) +
      checkRate(`${at}.internalErrorRate`, rule.internalErrorRate) +
      checkRate(`${at}.unavailableRate`, rule.unavailableRate);
    if (total > 1) {
      throw AppError.badInput(`${at}`, `${at}: the error rates add up to more than 1`);
    }
    const latency = rule.latency;
    if (!latency) {
      return;
    }
    for (const member of ['ms', 'minMs', 'maxMs', 'meanMs', 'stddevMs', 'ceilingMs'] as const) {
      checkMs(`${at}.latency.${member}`, latency[member]);
    }
    const need: Record<LatencyDistribution, (keyof InjectedLatency)[]> = {
      FIXED: ['ms'],
      UNIFORM: ['minMs', 'maxMs'],
      NORMAL: ['meanMs', 'stddevMs'],
    };
    const required = need[latency.distribution];
    if (!required) {
      throw AppError.badInput(
        `${at}.latency.distribution`,
        'distribution is FIXED, UNIFORM or NORMAL',
      );
    }
    for (const member of required) {
      if (latency[member] === undefined || latency[member] === null) {
        throw AppError.badInput(
          `${at}.latency.${member}`,
          `A ${latency.distribution} latency needs ${required.join(' and ')}`,
        );
      }
    }
    if (latency.distribution === 'UNIFORM' && (latency.minMs ?? 0) > (latency.maxMs ?? 0)) {
      throw AppError.badInput(`${at}.latency.minMs`, 'minMs must not be above maxMs');
    }
  });
}

/** A delay drawn from the distribution (Box-Muller for NORMAL), within [0, ceiling]. */
export function sampleLatency(latency: InjectedLatency, random: () => number): number {
  const ceiling = Math.min(latency.ceilingMs ?? MAX_LATENCY_MS, MAX_LATENCY_MS);
  let ms: number;
  switch (latency.distribution) {
    case 'FIXED':
      ms = latency.ms ?? 0;
      break;
    case 'UNIFORM': {
      const min = latency.minMs ?? 0;
      ms = min + random() * ((latency.maxMs ?? min) - min);
      break;
    }
    case 'NORMAL': {
      const u = 1 - random();
      const v = random();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      ms = (latency.meanMs ?? 0) + z * (latency.stddevMs ?? 0);
      break;
    }
  }
  return Math.round(Math.min(Math.max(ms, 0), ceiling));
}

/** What the first rule matching `operation` injects into this request. */
export function decideFault(
  rules: readonly FaultRule[],
  operation: string,
  random: () => number = Math.random,
): FaultDecision {
  const rule = rules.find((r) => globMatches(r.operations, operation));
  if (!rule) {
    return NO_FAULT;
  }
  const delayMs = rule.latency ? sampleLatency(rule.latency, random) : 0;
  const draw = random();
  const throttling = rule.throttlingRate ?? 0;
  const internal = rule.internalErrorRate ?? 0;
  const unavailable = rule.unavailableRate ?? 0;
  let error: InjectedError | null = null;
  if (draw < throttling) {
    error = 'ThrottlingException';
  } else if (draw < throttling + internal) {
    error = 'InternalServerException';
  } else if (draw < throttling + internal + unavailable) {
    error = 'ServiceUnavailableException';
  }
  return { delayMs, error };
}
