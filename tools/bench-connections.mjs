#!/usr/bin/env node
// npm run bench:connections -- [--accounts N] [--concurrency C] [--url http://127.0.0.1:3000]
//
// Against the running stack (npm start): N environment accounts each create a connection to one
// management account, which accepts it; once through GraphQL, once through the AWS JSON protocol
// (@aws-sdk/client-proton, SigV4). The baseline does the same database writes (connection,
// validation, history and outbox rows in one transaction as the application role) through a bare
// `pg` pool on the same database. Prints throughput and p50/p95/p99 latency per phase and the ratio.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ProtonClient, CreateEnvironmentAccountConnectionCommand, AcceptEnvironmentAccountConnectionCommand } from '@aws-sdk/client-proton';
import { C, gql, N, operator, pool, protonTrust, timed, URL_ } from './bench-lib.mjs';

const dbUrl = process.env.DATABASE_URL ?? 'postgresql://accountlink:accountlink@127.0.0.1:55432/accountlink';
const appUrl = (() => {
  const u = new URL(dbUrl);
  u.username = 'accountlink_app';
  u.password = process.env.APP_DATABASE_PASSWORD ?? 'accountlink_app';
  return u.toString();
})();

async function main() {
  console.log(`AccountLink connections benchmark: ${N} environment accounts, concurrency ${C}, ${URL_}`);
  const { createTenant } = await gql('mutation($n: String!) { createTenant(input: { name: $n }) { tenant { id } adminKey } }', { n: `bench-${Date.now()}` }, operator);
  const admin = createTenant.adminKey;
  const tenantId = createTenant.tenant.id;
  await gql('mutation { updateTenantSettings(input: { requestsPerSecondPerAccount: 100000, connectionQuota: 100000 }) { connectionQuota } }', {}, admin);
  const mgmt = '100000000000';
  await gql('mutation($id: String) { createAccount(input: { accountId: $id }) { accountId } }', { id: mgmt }, admin);
  const mgmtKey = (await gql('mutation($id: String) { createApiKey(input: { accountId: $id }) { key } }', { id: mgmt }, admin)).createApiKey.key;
  const mgmtAccess = (await gql('mutation($id: String!) { createAccessKey(input: { accountId: $id }) { accessKeyId secretAccessKey } }', { id: mgmt }, admin)).createAccessKey;
  const accounts = Array.from({ length: N }, (_, i) => String(200000000000 + i));
  const setupStart = performance.now();
  const creds = {};
  await pool(accounts, C, async (id) => {
    await gql('mutation($id: String) { createAccount(input: { accountId: $id }) { accountId } }', { id }, admin);
    await gql('mutation($a: String!, $p: String!) { createRole(input: { accountId: $a, roleName: "ProtonServiceRole", assumeRolePolicyDocument: $p }) { arn } }', { a: id, p: protonTrust(mgmt) }, admin);
    const key = (await gql('mutation($id: String) { createApiKey(input: { accountId: $id }) { key } }', { id }, admin)).createApiKey.key;
    const access = (await gql('mutation($id: String!) { createAccessKey(input: { accountId: $id }) { accessKeyId secretAccessKey } }', { id }, admin)).createAccessKey;
    creds[id] = { key, access };
  });
  console.log(`setup: ${N} accounts with a role, an API key and an access key in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);
  const role = (id) => `arn:aws:iam::${id}:role/ProtonServiceRole`;

  const gqlIds = [];
  const results = [];
  results.push(await timed('GraphQL create', accounts, async (id, i) => {
    const d = await gql('mutation($input: CreateEnvironmentAccountConnectionInput!) { createEnvironmentAccountConnection(input: $input) { id } }', { input: { environmentName: 'bench-gql', managementAccountId: mgmt, roleArn: role(id) } }, creds[id].key);
    gqlIds[i] = d.createEnvironmentAccountConnection.id;
  }));
  results.push(await timed('GraphQL accept', gqlIds, async (id) => {
    await gql('mutation($id: ID!) { acceptEnvironmentAccountConnection(id: $id) { status } }', { id }, mgmtKey);
  }));

  const client = (c) => new ProtonClient({ endpoint: URL_, region: 'us-east-1', credentials: c, maxAttempts: 1 });
  const clients = Object.fromEntries(accounts.map((id) => [id, client(creds[id].access)]));
  const mgmtClient = client(mgmtAccess);
  const awsIds = [];
  results.push(await timed('AWS JSON create', accounts, async (id, i) => {
    const out = await clients[id].send(new CreateEnvironmentAccountConnectionCommand({ environmentName: 'bench-aws', managementAccountId: mgmt, roleArn: role(id) }));
    awsIds[i] = out.environmentAccountConnection.id;
  }));
  results.push(await timed('AWS JSON accept', awsIds, async (id) => {
    await mgmtClient.send(new AcceptEnvironmentAccountConnectionCommand({ id }));
  }));

  // Baseline: the same rows, written by a bare pg pool as the application role.
  const db = new pg.Pool({ connectionString: appUrl, max: C });
  const baseIds = [];
  const tx = async (fn) => {
    const c = await db.connect();
    try {
      await c.query('BEGIN');
      await c.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
      await fn(c);
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK');
      throw e;
    } finally {
      c.release();
    }
  };
  results.push(await timed('bare pg create', accounts, async (id, i) => {
    const cid = randomUUID();
    baseIds[i] = cid;
    await tx(async (c) => {
      await c.query(`INSERT INTO environment_account_connections (id, "tenantId", region, "environmentAccountId", "managementAccountId", "environmentName", "roleArn", status, "liveKey", "requestHash")
        VALUES ($1, $2, 'us-east-1', $3, $4, 'bench-pg', $5, 'PENDING', $6, 'h')`, [cid, tenantId, id, mgmt, role(id), `${id}|${mgmt}|bench-pg|us-east-1`]);
      await c.query(`INSERT INTO connection_role_validations ("tenantId", "connectionId", kind, "roleArn") VALUES ($1, $2, 'ROLE', $3)`, [tenantId, cid, role(id)]);
      await c.query(`INSERT INTO connection_transitions ("tenantId", "connectionId", actor, "toStatus", reason) VALUES ($1, $2, 'bench', 'PENDING', 'bench')`, [tenantId, cid]);
      await c.query(`INSERT INTO outbox_events ("tenantId", type, "aggregateType", "aggregateId", "accountIds", payload) VALUES ($1, 'bench.noop', 'Bench', $2, $3, '{}')`, [tenantId, cid, [id, mgmt]]);
    });
  }));
  results.push(await timed('bare pg accept', baseIds, async (cid) => {
    await tx(async (c) => {
      await c.query(`UPDATE environment_account_connections SET status = 'CONNECTED', version = version + 1, "lastModifiedAt" = now() WHERE id = $1 AND version = 0`, [cid]);
      await c.query(`INSERT INTO connection_transitions ("tenantId", "connectionId", actor, "fromStatus", "toStatus", reason) VALUES ($1, $2, 'bench', 'PENDING', 'CONNECTED', 'bench')`, [tenantId, cid]);
      await c.query(`INSERT INTO outbox_events ("tenantId", type, "aggregateType", "aggregateId", "accountIds", payload) VALUES ($1, 'bench.noop', 'Bench', $2, '{}', '{}')`, [tenantId, cid]);
    });
  }));
  await db.end();

  const base = Object.fromEntries(results.filter((r) => r.name.startsWith('bare pg')).map((r) => [r.name.split(' ').at(-1), r]));
  console.log('\n| phase | ops | throughput (ops/s) | p50 (ms) | p95 (ms) | p99 (ms) | throughput vs bare pg |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    const b = base[r.name.split(' ').at(-1)];
    const ratio = r.name.startsWith('bare pg') ? '1.00' : (r.throughput / b.throughput).toFixed(2);
    console.log(`| ${r.name} | ${r.ops} | ${r.throughput.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${ratio} |`);
  }
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
