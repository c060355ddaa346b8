#!/usr/bin/env node
// npm run bench:profile -- [--query '{ me { kind } }'] [--token alk_…] [--seconds 10] [--concurrency 64] [--top 40]
//                          [--scenario create]   (connection creates by 2000 environment accounts instead)
//
// Where an API request's CPU goes: starts a second API process with --cpu-prof on a free port
// (same database and Redis as the running stack), loads it with autocannon, stops it normally so
// that Node writes the profile, and prints the self time by function and by package of the
// samples taken while the load ran (not the process's start or stop). Without --token the query
// runs as the management account of a benchmark tenant (throttling raised out of the way); a
// query whose first answer has errors (THROTTLED, NOT_FOUND…) is refused, since its profile would
// be one of refusals.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { arg, options, root, sleep } from './lib.mjs';
import { benchWorld, MGMT, roleArn } from './world.mjs';

const seconds = Number(arg('seconds', 10));
const connections = Number(arg('concurrency', 64));
const top = Number(arg('top', 40));
const query = arg('query', '{ me { kind } }');
const scenario = arg('scenario', null);
const token =
  arg('token', null) ??
  (scenario ? null : (await benchWorld(1, 'bench-prof-query')).creds[MGMT].key);
const port = Number(arg('port', 3901));
const dir = mkdtempSync(path.join(tmpdir(), 'accountlink-prof-'));
// The embedded servers of `npm start`, unless DATABASE_URL and REDIS_URL point elsewhere.
const env = { ...process.env };
if (!env.DATABASE_URL || !env.REDIS_URL) {
  for (const line of execFileSync(
    'bash',
    [path.join(root, 'tools/infra.sh'), 'env', 'accountlink'],
    { encoding: 'utf8' },
  ).split('\n')) {
    const [key, ...value] = line.split('=');
    if ((key === 'DATABASE_URL' || key === 'REDIS_URL') && !env[key]) env[key] = value.join('=');
  }
}

const api = spawn(
  process.execPath,
  [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
    '-r',
    path.join(root, 'tools/register-aliases.cjs'),
    path.join(root, 'dist/apps/api/src/main.js'),
  ],
  {
    cwd: root,
    env: { ...env, PORT: String(port), LOG_LEVEL: env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
const url = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${url}/health/live`)).ok) break;
  } catch {
    if (i > 100) throw new Error('the API did not start');
  }
  await sleep(100);
}
let requests;
if (scenario === 'create') {
  // Each request a new connection: environment account i, a name unique to the request.
  const world = await benchWorld(2000, 'bench-prof');
  let n = 0;
  requests = [
    {
      setupRequest: (request) => {
        const id = world.envs[n % world.envs.length];
        const name = `prof-${Math.floor(n / world.envs.length)}`;
        n++;
        return {
          ...request,
          headers: { ...request.headers, authorization: `Bearer ${world.creds[id].key}` },
          body: JSON.stringify({
            query:
              'mutation($i: CreateEnvironmentAccountConnectionInput!) { createEnvironmentAccountConnection(input: $i) { id } }',
            variables: {
              i: { environmentName: name, managementAccountId: MGMT, roleArn: roleArn(id) },
            },
          }),
        };
      },
    },
  ];
}
void options;
if (!requests) {
  const first = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const text = await first.text();
  if (!first.ok || JSON.parse(text).errors) {
    api.kill('SIGINT');
    throw new Error(`the query's answer is not a success, nothing to profile: ${text}`);
  }
}
// The profile's timestamps are the monotonic clock's microseconds, as hrtime here.
const loadStart = Number(process.hrtime.bigint() / 1000n);
const result = await autocannon({
  url: `${url}/graphql`,
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: JSON.stringify({ query }),
  ...(requests ? { requests } : {}),
  connections,
  duration: seconds,
});
const loadEnd = Number(process.hrtime.bigint() / 1000n);
console.log(
  `${result.requests.total} requests, ${(result.requests.total / seconds).toFixed(0)}/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}`,
);
api.kill('SIGINT');
await new Promise((resolve) => api.on('exit', resolve));
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${dir}`);
const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
let at = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  at += dt[i] ?? 0;
  if (at < loadStart || at > loadEnd) continue;
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (dt[i] ?? 0));
}
const byFunction = new Map();
const byPackage = new Map();
let total = 0;
let idle = 0;
for (const [id, micros] of self) {
  const node = byId.get(id);
  const { functionName, url: script, lineNumber } = node.callFrame;
  if (functionName === '(idle)') {
    idle += micros;
    continue;
  }
  total += micros;
  const pkg =
    /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(script)?.[1] ??
    (script.includes('/dist/') ? 'accountlink' : script ? 'node' : functionName);
  const key = `${functionName || '(anonymous)'} ${script.replace(root, '.')}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
}
const pct = (v) => `${((v / total) * 100).toFixed(1)}%`;
console.log(
  `\nbusy ${(total / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s; ${(total / result.requests.total).toFixed(0)} µs of API CPU per request\n\nby package:`,
);
for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(`  ${pct(v).padStart(6)}  ${k}`);
console.log('\nby function (self):');
for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`  ${pct(v).padStart(6)}  ${k}`);
console.log(`\nprofile: ${path.join(dir, file)}`);
