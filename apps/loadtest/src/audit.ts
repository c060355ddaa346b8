/** A status change as a resource's history records it. */
export interface Transition {
  from: string | null;
  to: string;
}

/** What one flow (one account's pass through a scenario) did and what it should have left behind. */
export interface FlowRecord {
  scenario: string;
  accountId: string;
  /** The resource whose history and events are audited (a connection, an environment). */
  resourceType: string;
  resourceId: string | null;
  /** Null when the flow completed; otherwise the step that failed and its error code. */
  failure: { step: string; code: string } | null;
  expected: {
    /** The resource's final status, or DELETED when it should be gone. */
    end: string;
    transitions: Transition[];
    /** Events a tenant administrator's subscription must have received for the resource, by type. */
    events: Record<string, number>;
  };
  /**
   * The history read just before the flow deleted its resource (a deleted resource takes its
   * history with it, in Proton as here); resources that stay are read back by the audit instead.
   */
  historyBeforeDelete?: Transition[];
}

/** A flow's record before it runs: the resource it audits (no id yet) and what it expects. */
export function newFlow(
  scenario: string,
  accountId: string,
  resourceType: string,
  expected: FlowRecord['expected'],
): FlowRecord {
  return { scenario, accountId, resourceType, resourceId: null, failure: null, expected };
}

/** The transitions through a sequence of statuses, from none: path('A', 'B') is ∅→A, A→B. */
export function path(...statuses: string[]): Transition[] {
  return statuses.map((to, i) => ({ from: i === 0 ? null : statuses[i - 1], to }));
}

/** What the audit read back from the product for one resource. */
export interface Observed {
  end: string;
  transitions: Transition[];
}

export interface AuditCheck {
  name: string;
  expected: number;
  actual: number;
  ok: boolean;
  /** A few of the offending resources, for the report. */
  examples: string[];
}

export interface AuditResult {
  ok: boolean;
  flows: number;
  /** Flows that did not complete, and events that never arrived. */
  lost: number;
  /** Completed flows whose final state or history is not what they did. */
  inconsistent: number;
  checks: AuditCheck[];
}

const sameTransitions = (a: readonly Transition[], b: readonly Transition[]): boolean =>
  a.length === b.length && a.every((t, i) => t.from === b[i].from && t.to === b[i].to);

const show = (ts: readonly Transition[]): string =>
  ts.map((t) => `${t.from ?? '∅'}→${t.to}`).join(', ') || '(none)';

const EXAMPLES = 5;

class Check {
  actual = 0;
  expected = 0;
  readonly examples: string[] = [];
  constructor(readonly name: string) {}
  count(ok: boolean, example: () => string): void {
    this.expected++;
    if (ok) {
      this.actual++;
    } else if (this.examples.length < EXAMPLES) {
      this.examples.push(example());
    }
  }
  result(): AuditCheck {
    return {
      name: this.name,
      expected: this.expected,
      actual: this.actual,
      ok: this.actual === this.expected,
      examples: this.examples,
    };
  }
}

/**
 * The consistency audit's rules: every flow completed; every completed flow's resource ended in
 * its expected state (read back from the product); its history holds exactly the transitions the
 * flow made; and the tenant's event subscription received every event of it, once per resource
 * and type. `observed` is keyed by resource id; `received` counts events per resource and type.
 */
export function auditFlows(
  flows: readonly FlowRecord[],
  observed: ReadonlyMap<string, Observed>,
  received: (resourceId: string) => Record<string, number>,
  extra: AuditCheck[] = [],
): AuditResult {
  const completed = new Check('flows completed');
  const end = new Check('final state read back');
  const history = new Check('history holds every transition');
  const events = new Check('events received (per resource and type)');
  const lostFlows = new Set<FlowRecord>();
  const inconsistentFlows = new Set<FlowRecord>();
  for (const flow of flows) {
    const who = `${flow.scenario} ${flow.accountId} ${flow.resourceType} ${flow.resourceId ?? '-'}`;
    completed.count(
      flow.failure === null,
      () => `${who}: ${flow.failure?.step} failed (${flow.failure?.code})`,
    );
    if (flow.failure !== null || flow.resourceId === null) {
      lostFlows.add(flow);
      continue;
    }
    const seen = observed.get(flow.resourceId) ?? { end: 'DELETED', transitions: [] };
    const endOk = seen.end === flow.expected.end;
    end.count(endOk, () => `${who}: ${seen.end}, expected ${flow.expected.end}`);
    const transitions =
      flow.expected.end === 'DELETED' ? (flow.historyBeforeDelete ?? []) : seen.transitions;
    const historyOk = sameTransitions(transitions, flow.expected.transitions);
    history.count(
      historyOk,
      () => `${who}: ${show(transitions)}, expected ${show(flow.expected.transitions)}`,
    );
    if (!endOk || !historyOk) {
      inconsistentFlows.add(flow);
    }
    const got = received(flow.resourceId);
    for (const [type, count] of Object.entries(flow.expected.events)) {
      const actual = got[type] ?? 0;
      events.count(actual === count, () => `${who}: ${type} ×${actual}, expected ×${count}`);
      if (actual < count) {
        lostFlows.add(flow);
      } else if (actual > count) {
        inconsistentFlows.add(flow);
      }
    }
  }
  const checks = [completed, end, history, events].map((c) => c.result()).concat(extra);
  return {
    ok: checks.every((c) => c.ok),
    flows: flows.length,
    lost: lostFlows.size,
    inconsistent: inconsistentFlows.size,
    checks,
  };
}

/** An extra check over counts (e.g. a read-mix subscriber's deliveries): expected and actual per item. */
export function countCheck(
  name: string,
  items: readonly { label: string; expected: number; actual: number }[],
): AuditCheck {
  const check = new Check(name);
  for (const item of items) {
    check.count(
      item.actual === item.expected,
      () => `${item.label}: ${item.actual}, expected ${item.expected}`,
    );
  }
  return check.result();
}
