// Shared by the benchmark scripts: command-line options, the GraphQL client, a bounded-concurrency
// runner and latency statistics.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

export const N = Number(arg('accounts', 200));
export const C = Number(arg('concurrency', 16));
export const URL_ = arg('url', 'http://127.0.0.1:3000');
export const operator =
  process.env.OPERATOR_TOKEN ?? readFileSync(path.join(root, '.data', 'operator-token'), 'utf8').trim();

export async function gql(query, variables, token) {
  const res = await fetch(`${URL_}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
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

export function stats(name, latencies, wallMs) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { name, ops: sorted.length, throughput: (sorted.length / wallMs) * 1000, p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

/** `fn` over every item with concurrency C: throughput and latency percentiles. */
export async function timed(name, items, fn) {
  const latencies = [];
  const start = performance.now();
  await pool(items, C, async (item, i) => {
    const t = performance.now();
    await fn(item, i);
    latencies.push(performance.now() - t);
  });
  return stats(name, latencies, performance.now() - start);
}

/** A trust policy letting proton.amazonaws.com assume the role for this management account. */
export const protonTrust = (mgmt) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'proton.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': mgmt } } }],
  });
