import { auditFlows, countCheck, FlowRecord, newFlow, Observed, path } from './audit';

const flow = (over: Partial<FlowRecord> = {}): FlowRecord => ({
  scenario: 's',
  accountId: '200000000000',
  resourceType: 'Connection',
  resourceId: 'c1',
  failure: null,
  expected: {
    end: 'CONNECTED',
    transitions: [
      { from: null, to: 'PENDING' },
      { from: 'PENDING', to: 'CONNECTED' },
    ],
    events: { created: 1, accepted: 1 },
  },
  ...over,
});

const connected: Observed = {
  end: 'CONNECTED',
  transitions: [
    { from: null, to: 'PENDING' },
    { from: 'PENDING', to: 'CONNECTED' },
  ],
};
const allEvents = () => ({ created: 1, accepted: 1 });

describe('path and newFlow', () => {
  it('spell the transitions through statuses, and a record with nothing done yet', () => {
    expect(path('PENDING', 'CONNECTED', 'CONNECTED')).toEqual([
      { from: null, to: 'PENDING' },
      { from: 'PENDING', to: 'CONNECTED' },
      { from: 'CONNECTED', to: 'CONNECTED' },
    ]);
    expect(newFlow('s', '200000000000', 'Connection', flow().expected)).toEqual({
      ...flow(),
      resourceId: null,
    });
  });
});

describe('auditFlows', () => {
  it('passes a flow whose state, history and events are what it did', () => {
    const result = auditFlows([flow()], new Map([['c1', connected]]), allEvents);
    expect(result).toMatchObject({ ok: true, flows: 1, lost: 0, inconsistent: 0 });
    expect(result.checks.map((c) => [c.name, c.expected, c.actual])).toEqual([
      ['flows completed', 1, 1],
      ['final state read back', 1, 1],
      ['history holds every transition', 1, 1],
      ['events received (per resource and type)', 2, 2],
    ]);
  });

  it('counts a failed flow as lost, naming its step and code', () => {
    const result = auditFlows(
      [flow({ failure: { step: 'accept', code: 'ThrottlingException' } })],
      new Map(),
      allEvents,
    );
    expect(result).toMatchObject({ ok: false, lost: 1, inconsistent: 0 });
    expect(result.checks[0]).toMatchObject({ ok: false, expected: 1, actual: 0 });
    expect(result.checks[0].examples[0]).toContain('accept failed (ThrottlingException)');
  });

  it('finds a transition missing from the history (deleted behind the product)', () => {
    const result = auditFlows(
      [flow()],
      new Map([['c1', { end: 'CONNECTED', transitions: [{ from: null, to: 'PENDING' }] }]]),
      allEvents,
    );
    expect(result).toMatchObject({ ok: false, lost: 0, inconsistent: 1 });
    const history = result.checks.find((c) => c.name.startsWith('history'));
    expect(history).toMatchObject({ ok: false, expected: 1, actual: 0 });
    expect(history?.examples[0]).toContain('∅→PENDING, expected ∅→PENDING, PENDING→CONNECTED');
  });

  it('reads a resource the audit cannot find as DELETED, and audits a deleted one by the history read before deletion', () => {
    const gone = flow({
      expected: { end: 'DELETED', transitions: connected.transitions, events: {} },
      historyBeforeDelete: connected.transitions,
    });
    expect(auditFlows([gone], new Map(), () => ({})).ok).toBe(true);
    const stillThere = auditFlows([gone], new Map([['c1', connected]]), () => ({}));
    expect(stillThere).toMatchObject({ ok: false, inconsistent: 1 });
    expect(stillThere.checks[1].examples[0]).toContain('CONNECTED, expected DELETED');
    expect(auditFlows([flow()], new Map(), allEvents).checks[1]).toMatchObject({
      ok: false,
      actual: 0,
    });
  });

  it('counts a missing event as lost and a duplicate as inconsistent', () => {
    const missing = auditFlows([flow()], new Map([['c1', connected]]), () => ({ created: 1 }));
    expect(missing).toMatchObject({ ok: false, lost: 1, inconsistent: 0 });
    expect(missing.checks[3]).toMatchObject({ expected: 2, actual: 1 });
    expect(missing.checks[3].examples[0]).toContain('accepted ×0, expected ×1');
    const twice = auditFlows([flow()], new Map([['c1', connected]]), () => ({
      created: 2,
      accepted: 1,
    }));
    expect(twice).toMatchObject({ ok: false, lost: 0, inconsistent: 1 });
  });

  it('fails on a failing extra check, and keeps at most five examples a check', () => {
    const extra = countCheck(
      'subscribers',
      Array.from({ length: 8 }, (_, i) => ({
        label: `s${i}`,
        expected: 3,
        actual: i === 0 ? 3 : 2,
      })),
    );
    expect(extra).toMatchObject({ ok: false, expected: 8, actual: 1 });
    expect(extra.examples).toHaveLength(5);
    expect(extra.examples[0]).toBe('s1: 2, expected 3');
    expect(auditFlows([flow()], new Map([['c1', connected]]), allEvents, [extra]).ok).toBe(false);
  });
});
