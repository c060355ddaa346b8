#!/usr/bin/env node
// npm run bench:environments -- [--accounts N] [--concurrency C] [--url http://127.0.0.1:3000]
// (with several concurrency levels, the first is used)
//
// Against the running stack (npm start), with a provisioning delay of 0: N environment accounts
// each connect to one management account (accepted, role validated), which then creates one
// environment per connection through the AWS JSON protocol (CreateEnvironment with
// environmentAccountConnectionId). Measures CreateEnvironment (the API: spec validation, the
// connection share lock, environment + deployment + outbox rows) and the end-to-end deployment
// rate (until the worker has provisioned every stack: role assumption, stack, outputs), then
// GetEnvironment and ListEnvironments pages (keyset). Prints throughput and p50/p95/p99.
import { awsClient } from './aws.mjs';
import { pathToFileURL } from 'node:url';
import { gql, operator, options, pool, printTable, protonTrust, sleep, timed } from './lib.mjs';

const SCHEMA = `schema:
  format:
    openapi: "3.0.0"
  environment_input_type: "Input"
  types:
    Input:
      type: object
      properties:
        vpc_cidr: { type: string, default: 10.0.0.0/16 }
        subnet_count: { type: integer }
      required: [subnet_count]
`;

export async function runEnvironments({
  accounts = options.accounts,
  concurrency = options.concurrency[0],
} = {}) {
  const N = accounts;
  const C = concurrency;
  const URL_ = options.url;
  console.log(`\n## Environments: ${N} environment accounts, concurrency ${C}, ${URL_}`);
  const { createTenant } = await gql(
    'mutation($n: String!) { createTenant(input: { name: $n }) { tenant { id } adminKey } }',
    { n: `bench-env-${Date.now()}` },
    operator,
  );
  const admin = createTenant.adminKey;
  await gql(
    'mutation { updateTenantSettings(input: { requestsPerSecondPerAccount: 100000, environmentQuota: 100000, provisioningDelayMs: 0 }) { provisioningDelayMs } }',
    {},
    admin,
  );
  const mgmt = '100000000000';
  const accessKey = async (id) =>
    (
      await gql(
        'mutation($id: String!) { createAccessKey(input: { accountId: $id }) { accessKeyId secretAccessKey } }',
        { id },
        admin,
      )
    ).createAccessKey;
  await gql(
    'mutation($id: String) { createAccount(input: { accountId: $id }) { accountId } }',
    { id: mgmt },
    admin,
  );
  const client = (c) => awsClient(c);
  const mgmtClient = client(await accessKey(mgmt));
  const mgmtKey = (
    await gql(
      'mutation($id: String) { createApiKey(input: { accountId: $id }) { key } }',
      { id: mgmt },
      admin,
    )
  ).createApiKey.key;

  const setupStart = performance.now();
  await gql(
    'mutation { createEnvironmentTemplate(input: { name: "bench" }) { name } }',
    {},
    mgmtKey,
  );
  await gql(
    'mutation($s: String!) { createEnvironmentTemplateVersion(input: { templateName: "bench", schema: $s }) { status } }',
    { s: SCHEMA },
    mgmtKey,
  );
  for (;;) {
    const v = await gql(
      'query { environmentTemplateVersion(input: { templateName: "bench", majorVersion: 1, minorVersion: 0 }) { status statusMessage } }',
      {},
      mgmtKey,
    );
    if (v.environmentTemplateVersion.status === 'DRAFT') break;
    if (v.environmentTemplateVersion.status === 'REGISTRATION_FAILED')
      throw new Error(v.environmentTemplateVersion.statusMessage);
    await sleep(50);
  }
  await gql(
    'mutation { updateEnvironmentTemplateVersion(input: { templateName: "bench", majorVersion: 1, minorVersion: 0, status: PUBLISHED }) { status } }',
    {},
    mgmtKey,
  );
  const envAccounts = Array.from({ length: N }, (_, i) => String(200000000000 + i));
  const connections = [];
  await pool(envAccounts, C, async (id, i) => {
    await gql(
      'mutation($id: String) { createAccount(input: { accountId: $id }) { accountId } }',
      { id },
      admin,
    );
    await gql(
      'mutation($a: String!, $p: String!) { createRole(input: { accountId: $a, roleName: "ProtonServiceRole", assumeRolePolicyDocument: $p }) { arn } }',
      { a: id, p: protonTrust(mgmt) },
      admin,
    );
    const env = client(await accessKey(id));
    const out = await env.send('CreateEnvironmentAccountConnection', {
      environmentName: `env-${i}`,
      managementAccountId: mgmt,
      roleArn: `arn:aws:iam::${id}:role/ProtonServiceRole`,
    });
    connections[i] = out.environmentAccountConnection.id;
  });
  // Role validation is asynchronous: accept once the worker has seen them all.
  await sleep(2000);
  await pool(connections, C, async (id) => {
    await mgmtClient.send('AcceptEnvironmentAccountConnection', { id });
  });
  console.log(
    `setup: template, ${N} accounts with a role and a CONNECTED connection in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`,
  );

  const results = [];
  const deployStart = performance.now();
  results.push(
    await timed('CreateEnvironment (AWS JSON)', connections, C, async (id, i) => {
      await mgmtClient.send('CreateEnvironment', {
        name: `env-${i}`,
        templateName: 'bench',
        templateMajorVersion: '1',
        spec: `proton: EnvironmentSpec\nspec:\n  subnet_count: ${(i % 4) + 1}\n`,
        environmentAccountConnectionId: id,
      });
    }),
  );
  // Until every deployment has ended: count through the keyset-paginated ListEnvironments.
  let succeeded = 0;
  let failed = 0;
  for (;;) {
    succeeded = 0;
    failed = 0;
    let nextToken;
    do {
      const page = await mgmtClient.send('ListEnvironments', { maxResults: 100, nextToken });
      for (const e of page.environments) {
        if (e.deploymentStatus === 'SUCCEEDED') succeeded++;
        if (e.deploymentStatus === 'FAILED') failed++;
      }
      nextToken = page.nextToken;
    } while (nextToken);
    if (succeeded + failed >= N) break;
    await sleep(100);
  }
  const deployWall = performance.now() - deployStart;
  results.push({
    name: 'deployed end to end',
    concurrency: C,
    ops: succeeded,
    throughput: (succeeded / deployWall) * 1000,
    p50: NaN,
    p95: NaN,
    p99: NaN,
    apiCpuMicros: null,
    workerCpuMicros: null,
  });
  results.push(
    await timed('GetEnvironment', connections, C, async (_id, i) => {
      await mgmtClient.send('GetEnvironment', { name: `env-${i}` });
    }),
  );
  const pages = Array.from({ length: Math.max(1, Math.ceil(N / 100)) * 5 }, (_, i) => i);
  results.push(
    await timed('ListEnvironments (100 a page, to the end)', pages, C, async () => {
      let nextToken;
      do {
        nextToken = (await mgmtClient.send('ListEnvironments', { maxResults: 100, nextToken }))
          .nextToken;
      } while (nextToken);
    }),
  );

  printTable('Environments', results);
  console.log(
    `\n${succeeded} SUCCEEDED, ${failed} FAILED; ${(deployWall / 1000).toFixed(1)} s from the first CreateEnvironment to the last stack`,
  );
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  runEnvironments().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
