#!/usr/bin/env node
// npm run bench:lists -- [--list-rows 1000000] [--small-rows 10000] [--samples 30] [--url …]
//
// First pages of the documented list filters in a small tenant and in a large one (every row of
// one management account, one region, or one space), through GraphQL. Each list's first page in
// the large tenant should cost about what it costs in the small one (index range scans, keyset
// pagination). The bare-pg column is the naive query (filter, ORDER BY, LIMIT) on the large
// tenant through a pg pool, for scale. Tenants are seeded through the owner connection with
// generate_series and kept, so a second run reuses them.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import {
  arg,
  barePool,
  gql,
  newApiKey,
  operator,
  ownerUrl,
  percentiles,
  root,
  sha256Hex,
} from './lib.mjs';

const LARGE = Number(arg('list-rows', 1_000_000));
const SMALL = Number(arg('small-rows', 10_000));
const SAMPLES = Number(arg('samples', 30));
const MGMT = '100000000000';
const KEYS_FILE = path.join(root, '.data', 'bench-lists.json');

/** A tenant whose management account has `rows` connections and `rows` environments; its space has `rows` account connections. */
async function seeded(owner, rows) {
  const name = `bench-list-${rows}`;
  const found = await owner.query(`SELECT id FROM tenants WHERE name = $1`, [name]);
  let tenantId = found.rows[0]?.id;
  const saved = existsSync(KEYS_FILE) ? JSON.parse(readFileSync(KEYS_FILE, 'utf8')) : {};
  if (tenantId && saved[tenantId]) {
    return { tenantId, ...saved[tenantId] };
  }
  if (tenantId) {
    await owner.query(`DELETE FROM tenants WHERE id = $1`, [tenantId]);
  }
  const started = performance.now();
  const { createTenant } = await gql(
    'mutation($n: String!) { createTenant(input: { name: $n }) { tenant { id } adminKey } }',
    { n: name },
    operator,
  );
  tenantId = createTenant.tenant.id;
  await gql(
    'mutation { updateTenantSettings(input: { requestsPerSecondPerAccount: 100000 }) { connectionQuota } }',
    {},
    createTenant.adminKey,
  );
  const mgmtKey = newApiKey();
  const userKey = newApiKey();
  const userId = randomUUID();
  const spaceId = randomUUID();
  const envAccounts = Math.max(10, Math.ceil(rows / 1000));
  await owner.query('BEGIN');
  await owner.query(`INSERT INTO accounts ("tenantId", "accountId") VALUES ($1, $2)`, [
    tenantId,
    MGMT,
  ]);
  await owner.query(
    `INSERT INTO accounts ("tenantId", "accountId") SELECT $1, (200000000000 + g)::text FROM generate_series(0, $2 - 1) g`,
    [tenantId, envAccounts],
  );
  await owner.query(
    `INSERT INTO api_keys (id, "tenantId", kind, "accountId", "keyHash", "keyPrefix") VALUES ($1, $2, 'ACCOUNT', $3, $4, 'alk_bench')`,
    [randomUUID(), tenantId, MGMT, sha256Hex(mgmtKey)],
  );
  await owner.query(
    `INSERT INTO users (id, "tenantId", name, email, "emailKey") VALUES ($1, $2, 'bench', 'bench@example.com', 'bench@example.com')`,
    [userId, tenantId],
  );
  await owner.query(
    `INSERT INTO api_keys (id, "tenantId", kind, "userId", "keyHash", "keyPrefix") VALUES ($1, $2, 'USER', $3, $4, 'alk_bench')`,
    [randomUUID(), tenantId, userId, sha256Hex(userKey)],
  );
  await owner.query(
    `INSERT INTO spaces (id, "tenantId", name, "nameKey", region) VALUES ($1, $2, 'bench', 'bench', 'us-west-2')`,
    [spaceId, tenantId],
  );
  await owner.query(
    `INSERT INTO space_members ("tenantId", "spaceId", "userId", role) VALUES ($1, $2, $3, 'SPACE_ADMINISTRATOR')`,
    [tenantId, spaceId, userId],
  );
  // Connections: PENDING and CONNECTED only (a REJECTED filter matches nothing), 100 environment names.
  await owner.query(
    `INSERT INTO environment_account_connections (id, "tenantId", region, "environmentAccountId", "managementAccountId", "environmentName", "roleArn", status, "requestHash", "requestedAt", "lastModifiedAt")
     SELECT gen_random_uuid(), $1, 'us-east-1', (200000000000 + g % $3)::text, $4, 'env-' || (g % 100), 'arn:aws:iam::200000000000:role/r',
            (CASE WHEN g % 2 = 0 THEN 'PENDING' ELSE 'CONNECTED' END), 'h',
            timestamp '2026-01-01' + g * interval '1 millisecond', now()
       FROM generate_series(0, $2 - 1) g`,
    [tenantId, rows, envAccounts, MGMT],
  );
  // Environments: 10 templates, 3 major versions.
  await owner.query(
    `INSERT INTO environments (id, "tenantId", "accountId", region, name, "templateId", "templateName", "templateMajorVersion", "templateMinorVersion", spec, "environmentAccountId", "deploymentStatus", "lastDeploymentAttemptedAt")
     SELECT gen_random_uuid(), $1, $3, 'us-east-1', 'e-' || lpad(g::text, 8, '0'), $4, 'tpl-' || (g % 10), 1 + g % 3, 0, '', $3, 'SUCCEEDED', now()
       FROM generate_series(0, $2 - 1) g`,
    [tenantId, rows, MGMT, randomUUID()],
  );
  // CodeCatalyst account connections of one space: VERIFIED, REJECTED and EXPIRED (none pending).
  await owner.query(
    `INSERT INTO account_connections (id, "tenantId", "spaceId", "accountId", "displayName", status, "expiresAt", "requestedBy", "createdAt", "lastModifiedAt")
     SELECT gen_random_uuid(), $1, $3, (300000000000 + g)::text, 'c' || g,
            (ARRAY['VERIFIED', 'REJECTED', 'EXPIRED'])[1 + g % 3], now(), $4,
            timestamp '2026-01-01' + g * interval '1 millisecond', now()
       FROM generate_series(0, $2 - 1) g`,
    [tenantId, rows, spaceId, userId],
  );
  await owner.query('COMMIT');
  // The keys are shown once: keep them beside the other local data, for the next run.
  writeFileSync(KEYS_FILE, JSON.stringify({ ...saved, [tenantId]: { mgmtKey, userKey, spaceId } }));
  await owner.query('ANALYZE environment_account_connections, environments, account_connections');
  console.log(
    `seeded ${name} (${rows} connections, environments and account connections) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { tenantId, mgmtKey, userKey, spaceId };
}

const CONNECTIONS = `query($s: [EnvironmentAccountConnectionStatus!], $n: String) {
  environmentAccountConnections(requestedBy: MANAGEMENT_ACCOUNT, statuses: $s, environmentName: $n, first: 50) { edges { node { id } } } }`;
const ENVIRONMENTS = `query($t: [String!]) { environments(templateNames: $t, first: 50) { edges { node { name } } } }`;
const SPACE_CONNECTIONS = `query($s: ID!) { accountConnections(spaceId: $s, first: 50) { edges { node { id } } } }`;
const PENDING = `query($s: ID!) { pendingAccountConnections(spaceId: $s, first: 50) { edges { node { id } } } }`;

/** The lists, each with the GraphQL call and the naive SQL of the same page. */
function lists(t) {
  const eac = (where) =>
    `SELECT * FROM environment_account_connections WHERE "tenantId" = '${t.tenantId}' AND "managementAccountId" = '${MGMT}' AND region = 'us-east-1' ${where} ORDER BY "requestedAt", id LIMIT 51`;
  return [
    { name: 'connections, no filter', query: CONNECTIONS, vars: {}, key: t.mgmtKey, sql: eac('') },
    {
      name: 'connections, statuses [REJECTED] (none match)',
      query: CONNECTIONS,
      vars: { s: ['REJECTED'] },
      key: t.mgmtKey,
      sql: eac(`AND status = 'REJECTED'`),
    },
    {
      name: 'connections, statuses [CONNECTED]',
      query: CONNECTIONS,
      vars: { s: ['CONNECTED'] },
      key: t.mgmtKey,
      sql: eac(`AND status = 'CONNECTED'`),
    },
    {
      name: 'connections, environmentName (1 %)',
      query: CONNECTIONS,
      vars: { n: 'env-7' },
      key: t.mgmtKey,
      sql: eac(`AND "environmentName" = 'env-7'`),
    },
    {
      name: 'connections, environmentName (none match)',
      query: CONNECTIONS,
      vars: { n: 'nope' },
      key: t.mgmtKey,
      sql: eac(`AND "environmentName" = 'nope'`),
    },
    {
      name: 'connections, name + statuses',
      query: CONNECTIONS,
      vars: { n: 'env-7', s: ['CONNECTED', 'REJECTED'] },
      key: t.mgmtKey,
      sql: eac(`AND "environmentName" = 'env-7' AND status IN ('CONNECTED', 'REJECTED')`),
    },
    {
      name: 'environments, no filter',
      query: ENVIRONMENTS,
      vars: {},
      key: t.mgmtKey,
      sql: `SELECT * FROM environments WHERE "tenantId" = '${t.tenantId}' AND "accountId" = '${MGMT}' AND region = 'us-east-1' ORDER BY name LIMIT 51`,
    },
    {
      name: 'environments, template (10 %)',
      query: ENVIRONMENTS,
      vars: { t: ['tpl-3'] },
      key: t.mgmtKey,
      sql: `SELECT * FROM environments WHERE "tenantId" = '${t.tenantId}' AND "accountId" = '${MGMT}' AND region = 'us-east-1' AND "templateName" = 'tpl-3' ORDER BY name LIMIT 51`,
    },
    {
      name: 'environments, template (none match)',
      query: ENVIRONMENTS,
      vars: { t: ['nope'] },
      key: t.mgmtKey,
      sql: `SELECT * FROM environments WHERE "tenantId" = '${t.tenantId}' AND "accountId" = '${MGMT}' AND region = 'us-east-1' AND "templateName" = 'nope' ORDER BY name LIMIT 51`,
    },
    {
      name: 'space account connections (non-pending)',
      query: SPACE_CONNECTIONS,
      vars: { s: t.spaceId },
      key: t.userKey,
      region: 'us-west-2',
      sql: `SELECT * FROM account_connections WHERE "tenantId" = '${t.tenantId}' AND "spaceId" = '${t.spaceId}' AND status <> 'PENDING_VERIFICATION' ORDER BY "createdAt", id LIMIT 51`,
    },
    {
      name: 'space pending connections (none)',
      query: PENDING,
      vars: { s: t.spaceId },
      key: t.userKey,
      region: 'us-west-2',
      sql: `SELECT * FROM account_connections WHERE "tenantId" = '${t.tenantId}' AND "spaceId" = '${t.spaceId}' AND status = 'PENDING_VERIFICATION' ORDER BY "createdAt", id LIMIT 51`,
    },
  ];
}

async function sample(fn, samples = SAMPLES) {
  for (let i = 0; i < Math.min(3, samples); i++) await fn();
  const latencies = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    await fn();
    latencies.push(performance.now() - t);
  }
  return percentiles(latencies);
}

export async function runLists() {
  console.log(
    `\n## List first pages: ${SMALL} and ${LARGE} rows in one tenant, ${SAMPLES} samples each`,
  );
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  const small = await seeded(owner, SMALL);
  const large = await seeded(owner, LARGE);
  await owner.end();
  const base = barePool(1);
  const results = [];
  const [smallLists, largeLists] = [lists(small), lists(large)];
  for (const [i, list] of largeLists.entries()) {
    const s = smallLists[i];
    const atSmall = await sample(() => gql(s.query, s.vars, s.key, s.region));
    const atLarge = await sample(() => gql(list.query, list.vars, list.key, list.region));
    // The naive query can take seconds at this size: a few samples say enough.
    const naive = await sample(() => base.tx(large.tenantId, (db) => db.query(list.sql)), 3);
    results.push({
      name: list.name,
      small: atSmall.p50,
      large: atLarge.p50,
      largeP99: atLarge.p99,
      ratio: atLarge.p50 / atSmall.p50,
      naive: naive.p50,
    });
  }
  await base.db.end();
  console.log(`\n### First page (50) at ${SMALL} and ${LARGE} rows, p50 (ms)\n`);
  console.log(
    `| list | ${SMALL} rows | ${LARGE} rows | ${LARGE} p99 | ratio | bare pg, naive query, ${LARGE} rows |`,
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.small.toFixed(2)} | ${r.large.toFixed(2)} | ${r.largeP99.toFixed(2)} | ${r.ratio.toFixed(2)} | ${r.naive.toFixed(2)} |`,
    );
  }
  return { smallRows: SMALL, largeRows: LARGE, lists: results };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  runLists().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
