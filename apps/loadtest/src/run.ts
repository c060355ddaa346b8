import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ProtonClient } from '@aws-sdk/client-proton';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { AuditResult, auditFlows, FlowRecord, newFlow } from './audit';
import { GraphqlClient } from './client/graphql';
import { EventLog } from './events';
import { faultsBetween, readInjectedFaults } from './faults';
import { liveView } from './live';
import { Interval, OperationSummary, Recorder } from './metrics';
import { errorCode, Scenario, ScenarioContext } from './scenario';
import { createWorld, runSettings, World, WorldAccount } from './world';

export interface RunOptions {
  url: string;
  scenario: Scenario;
  accounts: number;
  concurrency: number;
  /** Keep starting flows for this many seconds (accounts are reused); otherwise one flow per account. */
  durationSeconds: number | null;
  adminKey?: string;
  operatorToken?: string;
  /** How long a flow waits for an event or a deployment before it fails with TIMEOUT. */
  timeoutMs: number;
  /** Fault injection rules set on the run's tenant once its world exists (shown in the report). */
  faults?: Record<string, unknown>[] | null;
  /** Bearer token for the API's /metrics when it requires one (METRICS_TOKEN). */
  metricsToken?: string;
  /** The AWS SDK's maxAttempts (its standard retry strategy); 3 is the SDK's default. */
  sdkMaxAttempts?: number;
  /** Called after the flows and before the read-back (tests break an invariant here). */
  beforeAudit?: (world: World, flows: readonly FlowRecord[]) => Promise<void>;
}

export interface RunResult {
  scenario: string;
  runId: string;
  startedAt: string;
  url: string;
  settings: {
    accounts: number;
    managementAccounts: number;
    concurrency: number;
    durationSeconds: number | null;
    tenantId: string;
    tenantSettings: Record<string, number>;
    faultInjection: Record<string, unknown>[];
    sdkMaxAttempts: number;
    worldSeconds: number;
  };
  /** Seconds the flows took (world creation and the audit excluded). */
  durationSeconds: number;
  flows: number;
  /** Operations per second over the flows' wall time. */
  throughput: number;
  operations: OperationSummary[];
  errorsByCode: Record<string, number>;
  intervals: Interval[];
  events: { received: number; duplicates: number };
  /** Faults the API injected during the flows, by edge/kind (its /metrics); null if unreadable. */
  injectedFaults: Record<string, number> | null;
  audit: AuditResult;
}

/**
 * One load-test run: the world, the scenario's preparation, its flows at the given concurrency
 * (with the live view), then the consistency audit read back from the product.
 */
export async function runLoadTest(options: RunOptions): Promise<RunResult> {
  const { scenario } = options;
  if (options.durationSeconds !== null && scenario.repeatable === false) {
    throw new Error(`${scenario.name} runs once per account: give --accounts without --duration`);
  }
  const runId = randomBytes(3).toString('hex');
  const startedAt = new Date().toISOString();
  const gql = new GraphqlClient(options.url);
  const world = await createWorld({
    url: options.url,
    gql,
    adminKey: options.adminKey,
    operatorToken: options.operatorToken,
    tenantName: `loadtest-${scenario.name}-${runId}`,
    accounts: options.accounts,
    role: scenario.role,
    settings: { ...runSettings(options.accounts), ...scenario.settings },
  });

  const faults = options.faults ?? [];
  if (faults.length > 0) {
    // After the world: its creation is not what the faults are for.
    await gql.request(
      'mutation($s: UpdateTenantSettingsInput!) { updateTenantSettings(input: $s) { connectionQuota } }',
      { s: { faultInjection: faults } },
      { key: world.adminKey },
    );
  }
  const sdkMaxAttempts = options.sdkMaxAttempts ?? 3;

  // One keep-alive agent for every SDK client: 10,000 accounts must not mean 10,000 pools.
  const secure = options.url.startsWith('https:');
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 1024 })
    : new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const requestHandler = new NodeHttpHandler(secure ? { httpsAgent: agent } : { httpAgent: agent });
  const newClient = (account: WorldAccount): ProtonClient =>
    new ProtonClient({
      endpoint: options.url,
      region: 'us-east-1',
      credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
      requestHandler,
      maxAttempts: sdkMaxAttempts,
    });
  // Management accounts' clients are shared by their flows; an environment account's lives with its flow.
  const managementClients = new Map(
    world.managementAccounts.map((m) => [m.accountId, newClient(m)]),
  );
  const envClients = new Map<string, ProtonClient>();

  // Preparation and the audit's read-back are timed apart: the figures are the flows' alone.
  let recorder = new Recorder();
  const events = new EventLog();
  await events.open(options.url, world.adminKey);
  let running = true;
  const ctx: ScenarioContext = {
    url: options.url,
    world,
    gql,
    admin: { key: world.adminKey },
    events,
    timeoutMs: options.timeoutMs,
    concurrency: options.concurrency,
    runId,
    running: () => running,
    proton(account) {
      const shared = managementClients.get(account.accountId);
      if (shared) {
        return shared;
      }
      let client = envClients.get(account.accountId);
      if (!client) {
        client = newClient(account);
        envClients.set(account.accountId, client);
      }
      return client;
    },
    async op(name, fn) {
      const t = performance.now();
      try {
        const result = await fn();
        recorder.record(name, performance.now() - t, undefined, retriesOf(result));
        return result;
      } catch (error) {
        recorder.record(name, performance.now() - t, errorCode(error), retriesOf(error));
        throw error;
      }
    },
  };

  await scenario.prepare?.(ctx);
  const flowsRecorder = new Recorder();
  recorder = flowsRecorder;
  const flows: FlowRecord[] = [];
  const free = [...world.accounts];
  let started = 0;
  let flowsDone = 0;
  const deadline =
    options.durationSeconds === null
      ? Infinity
      : performance.now() + options.durationSeconds * 1000;
  const view = liveView({
    recorder: flowsRecorder,
    flowsDone: () => flowsDone,
    flowsTotal: options.durationSeconds === null ? options.accounts : null,
    durationSeconds: options.durationSeconds,
  });
  const ticker = setInterval(() => {
    const interval = flowsRecorder.tick();
    const ops = Object.values(interval.ops).reduce((n, o) => n + o.count, 0);
    view.update(ops);
  }, 1000);
  const faultsBefore = await readInjectedFaults(options.url, options.metricsToken);
  const flowsStarted = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, world.accounts.length) }, async () => {
      for (;;) {
        const more =
          options.durationSeconds === null
            ? started < world.accounts.length
            : performance.now() < deadline;
        const account = more ? free.shift() : undefined;
        if (!account) {
          return;
        }
        const iteration = started++;
        let records: FlowRecord | FlowRecord[];
        try {
          records = await scenario.flow(ctx, account, iteration);
        } catch (error) {
          // A (custom) flow that throws instead of recording its failure is a lost flow.
          records = newFlow(scenario.name, account.accountId, 'unknown', {
            end: 'unknown',
            transitions: [],
            events: {},
          });
          records.failure = { step: 'flow', code: errorCode(error) };
        }
        flows.push(...(Array.isArray(records) ? records : [records]));
        flowsDone++;
        // An account's clients are dropped with its flow (recreated if it runs again).
        envClients.delete(account.accountId);
        free.push(account);
      }
    }),
  );
  const flowSeconds = (performance.now() - flowsStarted) / 1000;
  const faultsAfter = await readInjectedFaults(options.url, options.metricsToken);
  clearInterval(ticker);
  flowsRecorder.tick();
  flowsRecorder.end();
  view.stop();
  running = false;
  recorder = new Recorder();

  // What was committed reaches the subscription within moments; wait for it to fall quiet.
  await events.settle(2000, 30_000);
  await options.beforeAudit?.(world, flows);
  const observed = await scenario.readBack(ctx, flows);
  const extra = (await scenario.extraChecks?.(ctx, flows)) ?? [];
  const audit = auditFlows(flows, observed, (id) => countByType(events.of(id)), extra);
  await scenario.finish?.(ctx);
  await events.close();
  gql.close();
  agent.destroy();

  const operations = flowsRecorder.summary();
  const errorsByCode: Record<string, number> = {};
  for (const op of operations) {
    for (const [code, n] of Object.entries(op.errorsByCode)) {
      errorsByCode[code] = (errorsByCode[code] ?? 0) + n;
    }
  }
  const totalOps = operations.reduce((n, o) => n + o.count, 0);
  return {
    scenario: scenario.name,
    runId,
    startedAt,
    url: options.url,
    settings: {
      accounts: options.accounts,
      managementAccounts: world.managementAccounts.length,
      concurrency: options.concurrency,
      durationSeconds: options.durationSeconds,
      tenantId: world.tenantId,
      tenantSettings: world.settings,
      faultInjection: faults,
      sdkMaxAttempts,
      worldSeconds: Math.round(world.createdInSeconds * 10) / 10,
    },
    durationSeconds: Math.round(flowSeconds * 10) / 10,
    flows: flowsDone,
    throughput: Math.round((totalOps / flowSeconds) * 10) / 10,
    operations,
    errorsByCode,
    intervals: flowsRecorder.intervals,
    events: { received: events.total, duplicates: events.duplicates },
    injectedFaults: faultsBefore && faultsAfter ? faultsBetween(faultsBefore, faultsAfter) : null,
    audit,
  };
}

function countByType(list: readonly { type: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of list) {
    counts[e.type] = (counts[e.type] ?? 0) + 1;
  }
  return counts;
}

/** Attempts beyond the first, from an AWS SDK output's or error's `$metadata`. */
function retriesOf(value: unknown): number {
  const attempts = (value as { $metadata?: { attempts?: number } } | null)?.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 1 ? attempts - 1 : 0;
}
