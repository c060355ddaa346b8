#!/usr/bin/env node
// npm run bench:subscriptions -- [--subscribers 5000] [--events 20] [--warmup 1] [--url …]
//
// Fan-out: S graphql-ws connections of the management account subscribe to
// environmentAccountConnectionChanged, then W + K environment accounts create a connection to it,
// one after the other. For each event: the time from the mutation's answer (its transaction has
// committed) until each subscriber has it, and the same from the mutation's start; the first W
// events after the subscribers connected (warm-up) are reported apart. Also the API's resident
// memory with every subscriber connected. The client is a minimal graphql-ws speaker on `ws` in
// this process (on the same cores as the API).
//
// Beside it, the floor of this machine: a bare `ws` server in a child process, S sockets from
// this process, and per event the same two messages (the product sends two per create: created,
// then the role validation's change) of the same size written to every socket with `ws.send`, in
// one loop; the time from asking the child until each socket has the first.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import WebSocket, { WebSocketServer } from 'ws';
import { arg, cpuSeconds, gql, options, percentiles, residentBytes, sleep } from './lib.mjs';
import { benchWorld, MGMT, roleArn } from './world.mjs';

const SUBSCRIBERS = Number(arg('subscribers', 5000));
const EVENTS = Number(arg('events', 20));
const WARMUP = Number(arg('warmup', 1));
const SUBSCRIPTION =
  'subscription { environmentAccountConnectionChanged { id status environmentAccountId } }';

/** One graphql-ws connection with one subscription; `onEvent` runs for each `next` message. */
function subscriber(token, onEvent) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(
      `${options.url.replace('http', 'ws')}/graphql`,
      'graphql-transport-ws',
      { perMessageDeflate: false },
    );
    ws.on('open', () =>
      ws.send(
        JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
      ),
    );
    ws.on('message', (raw) => {
      const text = raw.toString();
      if (text.startsWith('{"id":"1","type":"next"')) {
        onEvent(text);
        return;
      }
      const message = JSON.parse(text);
      if (message.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION } }));
        // The server registers the subscription as it handles this message; a ping after it
        // comes back once it has.
        ws.send(JSON.stringify({ type: 'ping' }));
      } else if (message.type === 'pong') {
        resolve(ws);
      } else if (message.type === 'next') {
        onEvent(text);
      } else if (message.type === 'error') {
        reject(new Error(text));
      }
    });
    ws.on('error', reject);
  });
}

/** Opens `count` sockets 100 at a time. */
async function connectAll(count, open) {
  const sockets = [];
  for (let i = 0; i < count; i += 100) {
    sockets.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(100, count - i) }, (_, j) => open(i + j)),
      )),
    );
  }
  return sockets;
}

/** The bare `ws` server of the baseline (run in a child process). */
function bareServer() {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  server.on('listening', () => process.send({ port: server.address().port }));
  process.on('message', ({ account }) => {
    for (const status of ['PENDING', 'PENDING']) {
      const text = `{"id":"1","type":"next","payload":${JSON.stringify({
        data: {
          environmentAccountConnectionChanged: {
            id: randomUUID(),
            status,
            environmentAccountId: account,
          },
        },
      })}}`;
      for (const socket of server.clients) socket.send(text);
    }
  });
}

/** The same fan-out's shape through a bare `ws` server: the floor of this machine. */
async function bareBaseline(events) {
  const child = fork(fileURLToPath(import.meta.url), ['--bare-ws-server'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { port } = await new Promise((resolve) => child.once('message', resolve));
    let current = null;
    let arrivals = [];
    let onAll = () => undefined;
    const sockets = await connectAll(
      SUBSCRIBERS,
      () =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
          let seen = null;
          ws.on('message', (raw) => {
            const at = performance.now();
            const text = raw.toString();
            if (current === null || seen === current || !text.includes(current)) return;
            seen = current;
            arrivals.push(at);
            if (arrivals.length === SUBSCRIBERS) onAll();
          });
          ws.on('open', () => resolve(ws));
          ws.on('error', reject);
        }),
    );
    const latencies = [];
    for (let k = 0; k < WARMUP + events; k++) {
      arrivals = [];
      const all = new Promise((resolve) => (onAll = resolve));
      current = String(900000000000 + k);
      const asked = performance.now();
      child.send({ account: current });
      await Promise.race([all, sleep(30_000)]);
      if (arrivals.length < SUBSCRIBERS) throw new Error(`bare ws: event ${k} incomplete`);
      if (k >= WARMUP) for (const at of arrivals) latencies.push(at - asked);
      await sleep(200);
    }
    for (const ws of sockets) ws.terminate();
    return percentiles(latencies);
  } finally {
    child.kill();
  }
}

export async function runSubscriptions() {
  console.log(
    `\n## Subscriptions: ${SUBSCRIBERS} subscribers, ${EVENTS} events (after ${WARMUP} warm-up)`,
  );
  const world = await benchWorld(WARMUP + EVENTS, 'bench-subs');
  const mgmtKey = world.creds[MGMT].key;
  const rssBefore = await residentBytes(`${options.url}/metrics`);
  // Event k is the first message naming the k-th environment account that a subscriber gets
  // (the role validation's change of the same connection follows it, and is not counted).
  let current = null;
  let arrived = 0;
  let onAll = () => undefined;
  const arrivals = [];
  const connectStart = performance.now();
  const sockets = await connectAll(SUBSCRIBERS, () => {
    let seen = null;
    return subscriber(mgmtKey, (text) => {
      const at = performance.now();
      if (current === null || seen === current || !text.includes(current)) return;
      seen = current;
      arrivals.push(at);
      arrived++;
      if (arrived === SUBSCRIBERS) onAll();
    });
  });
  console.log(
    `${SUBSCRIBERS} subscribers connected in ${((performance.now() - connectStart) / 1000).toFixed(1)} s`,
  );
  await sleep(500);
  const rssConnected = await residentBytes(`${options.url}/metrics`);
  let cpuBefore = null;
  const fromCommit = [];
  const fromStart = [];
  const warmup = [];
  for (let k = 0; k < WARMUP + EVENTS; k++) {
    if (k === WARMUP) cpuBefore = await cpuSeconds(`${options.url}/metrics`);
    arrivals.length = 0;
    arrived = 0;
    const all = new Promise((resolve) => (onAll = resolve));
    const env = world.envs[k];
    current = env;
    const start = performance.now();
    await gql(
      'mutation($input: CreateEnvironmentAccountConnectionInput!) { createEnvironmentAccountConnection(input: $input) { id } }',
      {
        input: { environmentName: 'bench-subs', managementAccountId: MGMT, roleArn: roleArn(env) },
      },
      world.creds[env].key,
    );
    const answered = performance.now();
    await Promise.race([all, sleep(30_000)]);
    if (arrived < SUBSCRIBERS)
      throw new Error(`event ${k}: ${arrived}/${SUBSCRIBERS} subscribers received it`);
    for (const at of arrivals) {
      if (k < WARMUP) {
        warmup.push(Math.max(0, at - answered));
        continue;
      }
      fromCommit.push(Math.max(0, at - answered));
      fromStart.push(at - start);
    }
    // The role validation's event follows; let it pass before the next create.
    await sleep(200);
  }
  const cpuAfter = await cpuSeconds(`${options.url}/metrics`);
  const rssAfter = await residentBytes(`${options.url}/metrics`);
  // The events' CPU in the API: the create, its role validation's event, and every delivery.
  const cpuPerDelivery =
    cpuBefore === null ? null : ((cpuAfter - cpuBefore) * 1e6) / (SUBSCRIBERS * EVENTS * 2);
  for (const ws of sockets) ws.terminate();
  await sleep(500);
  const bare = await bareBaseline(EVENTS);
  const commit = percentiles(fromCommit);
  const begin = percentiles(fromStart);
  const first = warmup.length > 0 ? percentiles(warmup) : null;
  const mb = (b) => (b === null ? '–' : (b / 1024 / 1024).toFixed(0));
  console.log(`\n### Subscription delivery, ${SUBSCRIBERS} subscribers × ${EVENTS} events\n`);
  console.log('| measured from | p50 ms | p95 ms | p99 ms |');
  console.log('|---|---|---|---|');
  console.log(
    `| the mutation's answer (after commit) | ${commit.p50.toFixed(1)} | ${commit.p95.toFixed(1)} | ${commit.p99.toFixed(1)} |`,
  );
  console.log(
    `| the mutation's start | ${begin.p50.toFixed(1)} | ${begin.p95.toFixed(1)} | ${begin.p99.toFixed(1)} |`,
  );
  if (first) {
    console.log(
      `| warm-up: the first ${WARMUP} event(s) after connecting, from the answer | ${first.p50.toFixed(1)} | ${first.p95.toFixed(1)} | ${first.p99.toFixed(1)} |`,
    );
  }
  console.log(
    `| bare \`ws\` baseline: the same sockets and messages, from asking its server | ${bare.p50.toFixed(1)} | ${bare.p95.toFixed(1)} | ${bare.p99.toFixed(1)} |`,
  );
  console.log(
    `\np99 from commit against the bare baseline's p99: ${(commit.p99 / bare.p99).toFixed(2)}×`,
  );
  console.log(
    `\nAPI CPU per delivered event: ${cpuPerDelivery === null ? '–' : cpuPerDelivery.toFixed(1)} µs (each create delivers two: created, then its role validation)`,
  );
  console.log(
    `API resident memory: ${mb(rssBefore)} MB before, ${mb(rssConnected)} MB with ${SUBSCRIBERS} subscribers, ${mb(rssAfter)} MB after the events`,
  );
  return {
    subscribers: SUBSCRIBERS,
    events: EVENTS,
    warmupEvents: WARMUP,
    fromCommit: commit,
    fromStart: begin,
    warmup: first,
    bareWs: bare,
    rssBytes: { before: rssBefore, connected: rssConnected, after: rssAfter },
  };
}

if (process.argv.includes('--bare-ws-server')) {
  bareServer();
} else if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  runSubscriptions().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
