#!/usr/bin/env node
// npm run bench:subscriptions -- [--subscribers 5000] [--events 20] [--url …]
//
// Fan-out: S graphql-ws connections of the management account subscribe to
// environmentAccountConnectionChanged, then K environment accounts create a connection to it, one
// after the other. For each event: the time from the mutation's answer (its transaction has
// committed) until each subscriber has it, and the same from the mutation's start. Also the API's
// resident memory with every subscriber connected. The client is a minimal graphql-ws speaker on
// `ws` in this process (on the same cores as the API).
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { arg, cpuSeconds, gql, options, percentiles, residentBytes, sleep } from './lib.mjs';
import { benchWorld, MGMT, roleArn } from './world.mjs';

const SUBSCRIBERS = Number(arg('subscribers', 5000));
const EVENTS = Number(arg('events', 20));
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

export async function runSubscriptions() {
  console.log(`\n## Subscriptions: ${SUBSCRIBERS} subscribers, ${EVENTS} events`);
  const world = await benchWorld(EVENTS, 'bench-subs');
  const mgmtKey = world.creds[MGMT].key;
  const rssBefore = await residentBytes(`${options.url}/metrics`);
  // Event k is the first message naming the k-th environment account that a subscriber gets
  // (the role validation's change of the same connection follows it, and is not counted).
  let current = null;
  let arrived = 0;
  let onAll = () => undefined;
  const arrivals = [];
  const sockets = [];
  const connectStart = performance.now();
  for (let i = 0; i < SUBSCRIBERS; i += 100) {
    const batch = Array.from({ length: Math.min(100, SUBSCRIBERS - i) }, () => {
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
    sockets.push(...(await Promise.all(batch)));
  }
  console.log(
    `${SUBSCRIBERS} subscribers connected in ${((performance.now() - connectStart) / 1000).toFixed(1)} s`,
  );
  await sleep(500);
  const rssConnected = await residentBytes(`${options.url}/metrics`);
  const cpuBefore = await cpuSeconds(`${options.url}/metrics`);
  const fromCommit = [];
  const fromStart = [];
  for (let k = 0; k < EVENTS; k++) {
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
  const commit = percentiles(fromCommit);
  const begin = percentiles(fromStart);
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
  console.log(
    `\nAPI CPU per delivered event: ${cpuPerDelivery === null ? '–' : cpuPerDelivery.toFixed(1)} µs (each create delivers two: created, then its role validation)`,
  );
  console.log(
    `API resident memory: ${mb(rssBefore)} MB before, ${mb(rssConnected)} MB with ${SUBSCRIBERS} subscribers, ${mb(rssAfter)} MB after the events`,
  );
  return {
    subscribers: SUBSCRIBERS,
    events: EVENTS,
    fromCommit: commit,
    fromStart: begin,
    rssBytes: { before: rssBefore, connected: rssConnected, after: rssAfter },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  runSubscriptions().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
