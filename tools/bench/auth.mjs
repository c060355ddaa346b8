#!/usr/bin/env node
// npm run bench:auth -- [--concurrency 16,64] [--seconds 5] [--url …] [--json file]
//
// The cost of a request's identity: an authenticated trivial GraphQL query `{ me { kind } }`,
// beside what surrounds it: the HTTP floor (`/health/live`), the GraphQL floor (`{ __typename }`,
// no key), and, as the bare-pg baseline, the database work an uncached authentication costs
// (the `auth_api_key` definer function through a pg pool in this process). Load comes from
// autocannon in this process, on the same cores.
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { arg, barePool, cpuSeconds, options, printTable, sha256Hex } from './lib.mjs';
import { benchWorld, MGMT } from './world.mjs';

const seconds = Number(arg('seconds', 5));

function load(path, body, headers, connections) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${options.url}${path}`,
        method: body ? 'POST' : 'GET',
        body,
        headers: { 'content-type': 'application/json', ...headers },
        connections,
        duration: seconds,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

async function phase(name, c, run) {
  const api0 = await cpuSeconds(`${options.url}/metrics`);
  const result = await run();
  const api1 = await cpuSeconds(`${options.url}/metrics`);
  if (result.non2xx || result.errors)
    throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    name,
    concurrency: c,
    ops: result.requests.total,
    throughput: result.requests.total / (result.duration || seconds),
    p50: result.latency.p50,
    p95: result.latency.p97_5,
    p99: result.latency.p99,
    apiCpuMicros: api0 === null ? null : ((api1 - api0) * 1e6) / result.requests.total,
    workerCpuMicros: null,
  };
}

export async function runAuth({ concurrency = options.concurrency } = {}) {
  console.log(`\n## Authentication: ${seconds} s per phase, concurrency ${concurrency.join(', ')}`);
  const world = await benchWorld(1, 'bench-auth');
  const key = world.creds[MGMT].key;
  const results = [];
  for (const c of concurrency) {
    const live = await phase('/health/live', c, () => load('/health/live', undefined, {}, c));
    const typename = await phase('{ __typename } (no key)', c, () =>
      load('/graphql', JSON.stringify({ query: '{ __typename }' }), {}, c),
    );
    const me = await phase('{ me { kind } } (account key)', c, () =>
      load(
        '/graphql',
        JSON.stringify({ query: '{ me { kind } }' }),
        { authorization: `Bearer ${key}` },
        c,
      ),
    );
    // Baseline: the uncached authentication's database work, through a bare pg pool.
    const base = barePool(c);
    const hash = sha256Hex(key);
    let done = 0;
    const stop = Date.now() + seconds * 1000;
    const latencies = [];
    const start = performance.now();
    await Promise.all(
      Array.from({ length: c }, async () => {
        while (Date.now() < stop) {
          const t = performance.now();
          await base.db.query('SELECT * FROM auth_api_key($1)', [hash]);
          latencies.push(performance.now() - t);
          done++;
        }
      }),
    );
    const wall = performance.now() - start;
    await base.db.end();
    latencies.sort((a, b) => a - b);
    const pgAuth = {
      name: 'bare pg auth_api_key lookup',
      concurrency: c,
      ops: done,
      throughput: (done / wall) * 1000,
      p50: latencies[Math.floor(latencies.length / 2)],
      p95: latencies[Math.floor(latencies.length * 0.95)],
      p99: latencies[Math.floor(latencies.length * 0.99)],
      apiCpuMicros: null,
      workerCpuMicros: null,
    };
    results.push(live, typename, { ...me, baseline: pgAuth }, pgAuth);
  }
  printTable('Authentication: a trivial authenticated query', results);
  return results.map(({ baseline, ...r }) => ({
    ...r,
    baselineThroughput: baseline?.throughput ?? null,
  }));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  runAuth().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
