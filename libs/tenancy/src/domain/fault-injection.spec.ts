import fc from 'fast-check';
import {
  checkFaultRules,
  decideFault,
  FaultRule,
  globMatches,
  sampleLatency,
} from './fault-injection';

/** A reference glob matcher: the glob as an anchored regular expression. */
function reference(glob: string, name: string): boolean {
  const source = glob
    .split('*')
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(name);
}

/** A deterministic source of "random" numbers, cycling through `values`. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

describe('fault injection rules', () => {
  it('matches operation names by glob as the reference does, on random globs', () => {
    const alphabet = fc.constantFrom('L', 'i', 's', 't', '*');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 8 }).map((a) => a.join('')),
        fc.array(fc.constantFrom('L', 'i', 's', 't'), { maxLength: 10 }).map((a) => a.join('')),
        (glob, name) => globMatches(glob, name) === reference(glob, name),
      ),
      { numRuns: 2_000 },
    );
    expect(globMatches('List*', 'ListEnvironments')).toBe(true);
    expect(globMatches('*EnvironmentAccountConnection', 'GetEnvironmentAccountConnection')).toBe(
      true,
    );
    expect(globMatches('*EnvironmentAccountConnection', 'ListEnvironmentAccountConnections')).toBe(
      false,
    );
    expect(globMatches('*', 'Anything')).toBe(true);
    expect(globMatches('GetEnvironment', 'GetEnvironmentTemplate')).toBe(false);
  });

  it('applies the first matching rule: its latency, then one draw for the error', () => {
    const rules: FaultRule[] = [
      { operations: 'Get*', latency: { distribution: 'FIXED', ms: 250 }, throttlingRate: 0.3 },
      { operations: '*', internalErrorRate: 0.2, unavailableRate: 0.2 },
    ];
    expect(decideFault(rules, 'GetEnvironment', sequence(0.29))).toEqual({
      delayMs: 250,
      error: 'ThrottlingException',
    });
    expect(decideFault(rules, 'GetEnvironment', sequence(0.3))).toEqual({
      delayMs: 250,
      error: null,
    });
    expect(decideFault(rules, 'ListEnvironments', sequence(0.1))).toEqual({
      delayMs: 0,
      error: 'InternalServerException',
    });
    expect(decideFault(rules, 'ListEnvironments', sequence(0.3))).toEqual({
      delayMs: 0,
      error: 'ServiceUnavailableException',
    });
    expect(decideFault(rules, 'ListEnvironments', sequence(0.4))).toEqual({
      delayMs: 0,
      error: null,
    });
    expect(decideFault([], 'ListEnvironments')).toEqual({ delayMs: 0, error: null });
  });

  it('draws latencies from their distribution, within 0 and the ceiling', () => {
    expect(sampleLatency({ distribution: 'UNIFORM', minMs: 100, maxMs: 200 }, sequence(0.5))).toBe(
      150,
    );
    expect(
      sampleLatency(
        { distribution: 'UNIFORM', minMs: 100, maxMs: 200, ceilingMs: 120 },
        sequence(0.9),
      ),
    ).toBe(120);
    // u = 1 - 0.5, v = 0: z = sqrt(2 ln 2) ≈ 1.1774
    expect(
      sampleLatency({ distribution: 'NORMAL', meanMs: 100, stddevMs: 10 }, sequence(0.5, 0)),
    ).toBe(112);
    expect(
      sampleLatency({ distribution: 'NORMAL', meanMs: 0, stddevMs: 10 }, sequence(0.5, 0.5)),
    ).toBe(0);
  });

  it('refuses rules that cannot be applied as written, naming the member', () => {
    const field = (rules: FaultRule[]) => {
      try {
        checkFaultRules(rules);
      } catch (error) {
        return (error as { field?: string }).field;
      }
      return 'accepted';
    };
    expect(field([{ operations: 'List*', throttlingRate: 0.3 }])).toBe('accepted');
    expect(field([{ operations: 'List Environments' }])).toBe('faultInjection.0.operations');
    expect(field([{ operations: '*', throttlingRate: 1.5 }])).toBe(
      'faultInjection.0.throttlingRate',
    );
    expect(field([{ operations: '*', throttlingRate: 0.6, unavailableRate: 0.6 }])).toBe(
      'faultInjection.0',
    );
    expect(field([{ operations: '*', latency: { distribution: 'UNIFORM', minMs: 5 } }])).toBe(
      'faultInjection.0.latency.maxMs',
    );
    expect(field([{ operations: '*', latency: { distribution: 'FIXED', ms: 60_000 } }])).toBe(
      'faultInjection.0.latency.ms',
    );
    expect(field(Array.from({ length: 21 }, () => ({ operations: '*' })))).toBe('faultInjection');
  });
});
