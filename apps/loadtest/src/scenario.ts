import { ProtonClient } from '@aws-sdk/client-proton';
import { AuditCheck, FlowRecord, Observed } from './audit';
import { GraphqlCaller, GraphqlClient } from './client/graphql';
import { EventLog } from './events';
import { World, WorldAccount, WorldRole } from './world';

/**
 * What a scenario gets from the runner. Custom scenarios (`--scenario ./my-scenario.js`) are
 * written against this interface and `Scenario` below; see the README's load-testing section.
 */
export interface ScenarioContext {
  /** The API's base URL. */
  url: string;
  world: World;
  /** GraphQL over HTTP (keep-alive): `gql.request(query, variables, { key, region })`. */
  gql: GraphqlClient;
  /** The tenant administrator, as a GraphQL caller. */
  admin: GraphqlCaller;
  /** An AWS SDK Proton client signed with the account's access key (SigV4), one per account. */
  proton(account: WorldAccount): ProtonClient;
  /** The tenant's events as a tenant administrator's subscription receives them. */
  events: EventLog;
  /**
   * Times `fn` as operation `name` (latency into its HdrHistogram; its error code, if it
   * throws, into the error counts) and returns or rethrows its result.
   */
  op<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Waits for a condition without counting it as an operation (e.g. an event). */
  timeoutMs: number;
  /** The run's --concurrency. */
  concurrency: number;
  /** A unique tag of this run (names of environments, spaces and templates carry it). */
  runId: string;
  /** Whether the run is still on (false once --duration has passed or the run is stopping). */
  running(): boolean;
}

export interface Scenario {
  name: string;
  description: string;
  /** The role every environment account of the world gets (null: none). */
  role: WorldRole | null;
  /** Once, before the flows (templates, spaces, subscribers…). */
  prepare?(ctx: ScenarioContext): Promise<void>;
  /**
   * Whether an account may run the flow again (--duration); false when a second pass of the same
   * account cannot succeed by the service's rules (one connection per account and space).
   */
  repeatable?: boolean;
  /** Tenant settings of its own (e.g. a short provisioning delay), beside the run's raised quotas. */
  settings?: Record<string, number>;
  /**
   * One account's pass through the scenario. It returns what it did and what it should leave
   * behind, one record per resource it audits; it records a failure instead of throwing.
   */
  flow(
    ctx: ScenarioContext,
    account: WorldAccount,
    iteration: number,
  ): Promise<FlowRecord | FlowRecord[]>;
  /** Reads back the final state and history of the flows' resources, keyed by resource id. */
  readBack(ctx: ScenarioContext, flows: readonly FlowRecord[]): Promise<Map<string, Observed>>;
  /** Checks of its own, beyond the flows' (e.g. read-mix's subscribers). */
  extraChecks?(ctx: ScenarioContext, flows: readonly FlowRecord[]): Promise<AuditCheck[]>;
  /** Once, after the audit (close subscribers…). */
  finish?(ctx: ScenarioContext): Promise<void>;
}

/** The error code of a failed operation: AWS's error name, the GraphQL code, or a network code. */
export function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; name?: unknown };
    if (typeof e.code === 'string' && e.code !== '') {
      return e.code;
    }
    if (typeof e.name === 'string' && e.name !== 'Error' && e.name !== '') {
      return e.name;
    }
  }
  return 'UNKNOWN';
}

/**
 * Runs the steps of a flow, turning the first failure into the `failure` of its records (of
 * those it had started: a record without a resource yet is one its flow never reached).
 */
export async function steps<R extends FlowRecord | FlowRecord[]>(
  records: R,
  body: (step: (name: string) => void) => Promise<void>,
): Promise<R> {
  let current = 'start';
  try {
    await body((name) => {
      current = name;
    });
  } catch (error) {
    for (const record of Array.isArray(records) ? records : [records]) {
      record.failure = { step: current, code: errorCode(error) };
    }
  }
  return records;
}

/** A step that waits (for an event, a deployment) and did not see its condition in time. */
export class WaitTimeout extends Error {
  readonly code = 'TIMEOUT';
  constructor(what: string) {
    super(`timed out waiting for ${what}`);
  }
}
