// Shared by the benchmark parts: options, the GraphQL client, a bounded-concurrency runner,
// latency statistics, CPU readings of the API and the worker (their /metrics), the bare-pg
// baseline pool, and the tables they print.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

export const options = {
  accounts: Number(arg('accounts', 4000)),
  /** Concurrency levels, e.g. "16,64" (the old single --concurrency still works). */
  concurrency: String(arg('concurrency', '16,64'))
    .split(',')
    .map(Number)
    .filter((n) => n > 0),
  url: arg('url', 'http://127.0.0.1:3000'),
  workerMetrics: arg('worker-metrics', 'http://127.0.0.1:9464/metrics'),
  json: arg('json', null),
};

export const operator =
  process.env.OPERATOR_TOKEN ??
  readFileSync(path.join(root, '.data', 'operator-token'), 'utf8').trim();

export const ownerUrl =
  process.env.DATABASE_URL ?? 'postgresql://accountlink:accountlink@127.0.0.1:55432/accountlink';

export const appUrl = (() => {
  const u = new URL(ownerUrl);
  u.username = 'accountlink_app';
  u.password = process.env.APP_DATABASE_PASSWORD ?? 'accountlink_app';
  return u.toString();
})();

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// node:http with keep-alive: the load generator shares the cores with what it measures, and
// costs a third of what fetch costs per request.
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
const graphqlUrl = () => new URL('/graphql', options.url);

export function gql(query, variables, token, region) {
  const url = graphqlUrl();
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
          ...(region ? { 'x-aws-region': region } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          try {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if (parsed.errors) reject(new Error(JSON.stringify(parsed.errors)));
            else resolve(parsed.data);
          } catch (error) {
            reject(error);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function pool(items, concurrency, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

export function percentiles(latencies) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const q = (p) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

/** Cumulative CPU seconds of a process, from its Prometheus endpoint (null when unreachable). */
export async function cpuSeconds(metricsUrl) {
  try {
    const text = await (await fetch(metricsUrl)).text();
    const line = text.split('\n').find((l) => l.startsWith('process_cpu_seconds_total'));
    return line ? Number(line.split(' ').at(-1)) : null;
  } catch {
    return null;
  }
}

export async function residentBytes(metricsUrl) {
  try {
    const text = await (await fetch(metricsUrl)).text();
    const line = text.split('\n').find((l) => l.startsWith('process_resident_memory_bytes'));
    return line ? Number(line.split(' ').at(-1)) : null;
  } catch {
    return null;
  }
}

const apiMetrics = () => `${options.url}/metrics`;

/**
 * `fn` over every item with concurrency `c`: throughput, latency percentiles, and the CPU the API
 * and the worker spent per operation meanwhile (µs, from their /metrics).
 */
export async function timed(name, items, c, fn, { settle } = {}) {
  const latencies = [];
  const [api0, worker0] = await Promise.all([
    cpuSeconds(apiMetrics()),
    cpuSeconds(options.workerMetrics),
  ]);
  const start = performance.now();
  await pool(items, c, async (item, i) => {
    const t = performance.now();
    await fn(item, i);
    latencies.push(performance.now() - t);
  });
  const wallMs = performance.now() - start;
  // The worker's share of a write happens after the response (relay, role validation).
  if (settle) await settle();
  const [api1, worker1] = await Promise.all([
    cpuSeconds(apiMetrics()),
    cpuSeconds(options.workerMetrics),
  ]);
  const perOp = (a, b) => (a === null || b === null ? null : ((b - a) * 1e6) / items.length);
  return {
    name,
    concurrency: c,
    ops: items.length,
    throughput: (items.length / wallMs) * 1000,
    ...percentiles(latencies),
    apiCpuMicros: perOp(api0, api1),
    workerCpuMicros: perOp(worker0, worker1),
  };
}

/** A bare pg pool as the application role, and its tenant transaction (BEGIN, set_config, …, COMMIT). */
export function barePool(max) {
  const db = new pg.Pool({ connectionString: appUrl, max });
  const tx = async (tenantId, fn) => {
    const c = await db.connect();
    try {
      await c.query('BEGIN');
      await c.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
      const result = await fn(c);
      await c.query('COMMIT');
      return result;
    } catch (e) {
      await c.query('ROLLBACK');
      throw e;
    } finally {
      c.release();
    }
  };
  return { db, tx };
}

/** A trust policy letting proton.amazonaws.com assume the role for this management account. */
export const protonTrust = (mgmt) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'proton.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': mgmt } },
      },
    ],
  });

export const newApiKey = () => `alk_${randomBytes(32).toString('base64url')}`;
export const sha256Hex = (s) => createHash('sha256').update(s).digest('hex');
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const newAccessKey = () => ({
  accessKeyId: `AKIA${[...randomBytes(16)].map((b) => BASE32[b % 32]).join('')}`,
  secretAccessKey: randomBytes(30).toString('base64'),
});

const fmt = (x, digits = 1) =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits);

/** Prints result rows as a Markdown table; `baseline` names the row each is compared with. */
export function printTable(title, rows) {
  console.log(`\n### ${title}\n`);
  console.log(
    '| phase | c | ops | ops/s | p50 ms | p95 ms | p99 ms | bare pg ops/s | vs bare pg | API CPU µs/op | worker CPU µs/op |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = r.baseline ? r.throughput / r.baseline.throughput : null;
    console.log(
      `| ${r.name} | ${r.concurrency ?? '–'} | ${r.ops} | ${fmt(r.throughput, 0)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${r.baseline ? fmt(r.baseline.throughput, 0) : '–'} | ${ratio === null ? '–' : ratio.toFixed(2)} | ${fmt(r.apiCpuMicros, 0)} | ${fmt(r.workerCpuMicros, 0)} |`,
    );
  }
}

export { fmt };
