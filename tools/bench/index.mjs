#!/usr/bin/env node
// npm run bench -- [--accounts 1000] [--concurrency 16,64] [--subscribers 5000] [--list-rows 1000000]
//                  [--env-accounts 200] [--world-accounts 10000] [--json bench.json] [--url http://127.0.0.1:3000] [--skip part,…]
//
// Every benchmark part in one run against the running stack (npm start): the query layers
// (Kysely, Prisma, pg), subscription fan-out, connections create/accept/get through both edges
// and role validation latency, authentication (a trivial authenticated query), list first pages
// at two tenant sizes, environments, and a bulk world. Each product phase is printed beside its bare-pg
// baseline measured in the same run; --json writes every figure to a file.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { arg, options, root } from './lib.mjs';
import { runAuth } from './auth.mjs';
import { runConnections } from './connections.mjs';
import { runEnvironments } from './environments.mjs';
import { runLists } from './lists.mjs';
import { runSubscriptions } from './subscriptions.mjs';
import { runWorlds } from './worlds.mjs';

const skip = new Set(String(arg('skip', '')).split(',').filter(Boolean));
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(
  `# AccountLink benchmark (${new Date().toISOString()})\n\nMachine: ${machine}; API, worker, Postgres, Redis and this client share it.`,
);

const report = { at: new Date().toISOString(), machine, options };
if (!skip.has('query-layer')) {
  // TypeScript (it compares the product's query layer with Prisma Client): built, then run.
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      path.join(root, 'tools/bench/tsconfig.json'),
    ],
    { stdio: 'inherit' },
  );
  const out = execFileSync(
    process.execPath,
    [
      '-r',
      path.join(root, 'tools/register-aliases.cjs'),
      path.join(root, 'dist/tools/bench/query-layer.bench.js'),
      '--concurrency',
      String(options.concurrency[0]),
    ],
    { encoding: 'utf8' },
  );
  console.log(`\n## Query layers\n\n${out}`);
  report.queryLayers = out;
}
// First among the API's parts: its resident memory with the subscribers is then that of an API
// that has not yet served the load of the others.
if (!skip.has('subscriptions')) report.subscriptions = await runSubscriptions();
if (!skip.has('connections')) report.connections = await runConnections();
if (!skip.has('auth')) report.auth = await runAuth();
if (!skip.has('lists')) report.lists = await runLists();
if (!skip.has('environments'))
  report.environments = await runEnvironments({ accounts: Number(arg('env-accounts', 200)) });
if (!skip.has('worlds')) report.worlds = await runWorlds();
if (options.json) {
  writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${options.json}`);
}
process.exit(0);
