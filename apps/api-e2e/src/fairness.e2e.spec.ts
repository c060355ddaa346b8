import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { apiUrl, createAccount, createTenant, gql, ok, TestTenant } from './test/client';

const HEAVY_IN_FLIGHT = 1_000;
const LIGHT_IN_FLIGHT = 4;
const LIST = '{ accounts(first: 50) { edges { node { accountId alias createdAt } } } }';

function quantile(latencies: number[], q: number): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
}

/**
 * The light tenant's requests for `ms`, LIGHT_IN_FLIGHT at a time (enough samples that the p99 is
 * not one request's hiccup); their latencies.
 */
async function lightLoad(tenant: TestTenant, ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = Date.now() + ms;
  const loop = async (): Promise<void> => {
    while (Date.now() < end) {
      const started = performance.now();
      const res = await gql(LIST, {}, tenant.admin);
      latencies.push(performance.now() - started);
      expect(res.errors).toBeUndefined();
    }
  };
  await Promise.all(Array.from({ length: LIGHT_IN_FLIGHT }, loop));
  return latencies;
}

/**
 * The heavy tenant's flood, in a process of its own so that its thousand responses do not sit in
 * the event loop of the process that times the light tenant: `inFlight` loops of requests until a
 * line arrives on its stdin, then one JSON line with the count, the errors and the latencies.
 */
const FLOOD = `
const { url, token, query, inFlight } = JSON.parse(process.env.FLOOD);
let flooding = true;
const latencies = [];
let errors = 0;
process.stdin.once('data', () => { flooding = false; });
async function loop() {
  while (flooding) {
    const started = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
      body: JSON.stringify({ query }),
    });
    const body = await res.json();
    if (body.errors) errors++;
    latencies.push(performance.now() - started);
  }
}
process.stdout.write('flooding\\n');
Promise.all(Array.from({ length: inFlight }, loop)).then(() => {
  process.stdout.write(JSON.stringify({ done: latencies.length, errors, latencies }) + '\\n');
});
`;

interface FloodResult {
  done: number;
  errors: number;
  latencies: number[];
}

function flood(tenant: TestTenant): { started: Promise<void>; stop: () => Promise<FloodResult> } {
  const child = spawn(process.execPath, ['-e', FLOOD], {
    env: {
      ...process.env,
      FLOOD: JSON.stringify({
        url: `${apiUrl()}/graphql`,
        token: tenant.admin.token,
        query: LIST,
        inFlight: HEAVY_IN_FLIGHT,
      }),
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  const started = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      if (output.startsWith('flooding\n')) {
        resolve();
      }
    });
  });
  return {
    started,
    stop: async () => {
      child.stdin.end('stop\n');
      await once(child, 'exit');
      return JSON.parse(output.split('\n')[1]) as FloodResult;
    },
  };
}

/**
 * One tenant's load must not starve another's on the same API instance: each tenant has at most
 * API_TENANT_CONCURRENCY requests in progress and half the database pool; the rest of its
 * requests wait in its own line. A heavy tenant keeps 1000 requests in flight while a light one
 * keeps four. The comparison is between two latencies taken in the same seconds
 * on the same machine, so it holds on a slow or busy CI machine too. Measured on the 2-core
 * development machine: with the shares the light tenant's p99 is 0.026-0.031 of the heavy
 * tenant's median (74-90 ms against 2.8-2.9 s); with them off (API_TENANT_CONCURRENCY=100000,
 * DATABASE_TENANT_SHARE=10) it is 0.13-0.14 (386-417 ms against 3.0 s), and the test fails.
 * (The flood ran in the test's own process before: the light p99 then measured the test's event
 * loop, 283-1514 ms, and failed on a busy CI machine.)
 */
describe('fairness between tenants', () => {
  it("keeps a light tenant's p99 far below a heavy tenant's latency on the same instance", async () => {
    const heavy = await createTenant('heavy');
    const light = await createTenant('light');
    await ok(
      'mutation { updateTenantSettings(input: { requestsPerSecondPerAccount: 100000 }) { requestsPerSecondPerAccount } }',
      {},
      heavy.admin,
    );
    for (let i = 0; i < 20; i++) {
      await createAccount(heavy);
      await createAccount(light);
    }
    const alone = await lightLoad(light, 1_500);

    const heavyLoad = flood(heavy);
    await heavyLoad.started;
    await new Promise((r) => setTimeout(r, 1_000));
    const loaded = await lightLoad(light, 5_000);
    const heavyResult = await heavyLoad.stop();

    const heavyP50 = quantile(heavyResult.latencies, 0.5);
    console.log(
      `light tenant alone: ${alone.length} requests, p99 ${quantile(alone, 0.99).toFixed(1)} ms; ` +
        `beside ${HEAVY_IN_FLIGHT} heavy requests in flight: ${loaded.length} requests, ` +
        `p50 ${quantile(loaded, 0.5).toFixed(1)} ms, p99 ${quantile(loaded, 0.99).toFixed(1)} ms; ` +
        `heavy tenant ${heavyResult.done} requests, p50 ${heavyP50.toFixed(1)} ms`,
    );
    expect(heavyResult.errors).toBe(0);
    expect(loaded.length).toBeGreaterThan(100);
    // The heavy tenant's median is about 1000 requests over the instance's throughput (seconds);
    // the light tenant's requests skip that line.
    expect(quantile(loaded, 0.99)).toBeLessThan(heavyP50 / 10);
  }, 30_000);
});
