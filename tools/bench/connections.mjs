#!/usr/bin/env node
// npm run bench:connections -- [--accounts N] [--concurrency 16,64] [--url …] [--json file]
//
// Against the running stack: N environment accounts each create a connection to one management
// account, which accepts it and reads it; through GraphQL and through the AWS JSON protocol
// (SigV4-signed, by the lean client of aws.mjs), at each concurrency. The baseline does the same database work
// (connection, validation, history and outbox rows; the compare-and-set accept with its history
// and outbox rows; the read by id), one transaction as the application role with the tenant set,
// through a bare `pg` pool in this process on the same database. Also: how long a created
// connection takes to have its role validated VALID by the worker, under the create load.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { awsClient } from './aws.mjs';
import {
  barePool,
  gql,
  options,
  ownerUrl,
  percentiles,
  pool,
  printTable,
  sleep,
  timed,
} from './lib.mjs';
import { benchWorld, MGMT, roleArn } from './world.mjs';

/** Waits until every connection's role is VALID; returns created → VALID latencies (ms). */
async function validationLatencies(owner, tenantId, ids) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { rows } = await owner.query(
      `SELECT c."requestedAt", v."checkedAt", v.status FROM connection_role_validations v
         JOIN environment_account_connections c ON c.id = v."connectionId"
        WHERE v."tenantId" = $1 AND v."connectionId" = ANY($2::uuid[])`,
      [tenantId, ids],
    );
    const done = rows.filter((r) => r.status === 'VALID');
    if (done.length >= ids.length || Date.now() > deadline) {
      if (rows.some((r) => r.status === 'INVALID')) throw new Error('a benchmark role was INVALID');
      return done.map((r) => r.checkedAt.getTime() - r.requestedAt.getTime());
    }
    await sleep(50);
  }
}

export async function runConnections({
  accounts = options.accounts,
  concurrency = options.concurrency,
} = {}) {
  console.log(
    `\n## Connections: ${accounts} environment accounts, concurrency ${concurrency.join(', ')}, ${options.url}`,
  );
  const world = await benchWorld(accounts, 'bench-conn');
  const { tenantId, creds, envs } = world;
  const mgmtKey = creds[MGMT].key;
  const clients = Object.fromEntries(envs.map((id) => [id, awsClient(creds[id].access)]));
  const mgmtClient = awsClient(creds[MGMT].access);
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  const results = [];
  const validation = [];

  // Warm-up, not measured: JIT, pooled connections and their prepared statements, on every path.
  const warm = envs.slice(0, Math.min(300, envs.length));
  const warmBase = barePool(16);
  await pool(warm, 16, async (id) => {
    const { createEnvironmentAccountConnection: g } = await gql(
      'mutation($input: CreateEnvironmentAccountConnectionInput!) { createEnvironmentAccountConnection(input: $input) { id } }',
      {
        input: {
          environmentName: 'bench-warm-gql',
          managementAccountId: MGMT,
          roleArn: roleArn(id),
        },
      },
      creds[id].key,
    );
    await gql(
      'mutation($id: ID!) { acceptEnvironmentAccountConnection(id: $id) { status } }',
      { id: g.id },
      mgmtKey,
    );
    await gql(
      'query($id: ID!) { environmentAccountConnection(id: $id) { id status } }',
      { id: g.id },
      mgmtKey,
    );
    const a = await clients[id].send('CreateEnvironmentAccountConnection', {
      environmentName: 'bench-warm-aws',
      managementAccountId: MGMT,
      roleArn: roleArn(id),
    });
    await mgmtClient.send('AcceptEnvironmentAccountConnection', {
      id: a.environmentAccountConnection.id,
    });
    await mgmtClient.send('GetEnvironmentAccountConnection', {
      id: a.environmentAccountConnection.id,
    });
    await warmBase.tx(tenantId, (db) =>
      db.query('SELECT * FROM environment_account_connections WHERE id = $1', [g.id]),
    );
  });
  await warmBase.db.end();
  await sleep(1000);

  for (const c of concurrency) {
    const base = barePool(c);
    // Created connections: the worker validates each role; settle waits for that, so its CPU counts.
    const settleValidations = (ids, name) => async () => {
      const latencies = await validationLatencies(owner, tenantId, ids);
      validation.push({ name, concurrency: c, ops: latencies.length, ...percentiles(latencies) });
    };

    // Each operation through both edges and the baseline back to back, so that the ratio
    // compares phases a few seconds apart (the machine's pace drifts over minutes).
    const gqlIds = [];
    const gqlCreate = await timed(
      `GraphQL create`,
      envs,
      c,
      async (id, i) => {
        const d = await gql(
          'mutation($input: CreateEnvironmentAccountConnectionInput!) { createEnvironmentAccountConnection(input: $input) { id } }',
          {
            input: {
              environmentName: `bench-gql-${c}`,
              managementAccountId: MGMT,
              roleArn: roleArn(id),
            },
          },
          creds[id].key,
        );
        gqlIds[i] = d.createEnvironmentAccountConnection.id;
      },
      { settle: () => settleValidations(gqlIds, 'GraphQL create → VALID')() },
    );
    const awsIds = [];
    const awsCreate = await timed(
      'AWS JSON create',
      envs,
      c,
      async (id, i) => {
        const out = await clients[id].send('CreateEnvironmentAccountConnection', {
          environmentName: `bench-aws-${c}`,
          managementAccountId: MGMT,
          roleArn: roleArn(id),
        });
        awsIds[i] = out.environmentAccountConnection.id;
      },
      { settle: () => settleValidations(awsIds, 'AWS JSON create → VALID')() },
    );
    const pgIds = [];
    const pgCreate = await timed('bare pg create', envs, c, async (id, i) => {
      const cid = randomUUID();
      pgIds[i] = cid;
      await base.tx(tenantId, async (db) => {
        await db.query(
          `INSERT INTO environment_account_connections (id, "tenantId", region, "environmentAccountId", "managementAccountId", "environmentName", "roleArn", status, "liveKey", "requestHash")
           VALUES ($1, $2, 'us-east-1', $3, $4, $5, $6, 'PENDING', $7, 'h')`,
          [
            cid,
            tenantId,
            id,
            MGMT,
            `bench-pg-${c}`,
            roleArn(id),
            `${id}|${MGMT}|bench-pg-${c}|us-east-1`,
          ],
        );
        await db.query(
          `INSERT INTO connection_role_validations ("tenantId", "connectionId", kind, "roleArn") VALUES ($1, $2, 'ROLE', $3)`,
          [tenantId, cid, roleArn(id)],
        );
        await db.query(
          `INSERT INTO connection_transitions ("tenantId", "connectionId", actor, "toStatus", reason) VALUES ($1, $2, 'bench', 'PENDING', 'bench')`,
          [tenantId, cid],
        );
        await db.query(
          `INSERT INTO outbox_events ("tenantId", type, "aggregateType", "aggregateId", "accountIds", payload) VALUES ($1, 'bench.noop', 'Bench', $2, $3, '{}')`,
          [tenantId, cid, [id, MGMT]],
        );
      });
    });
    const gqlAccept = await timed('GraphQL accept', gqlIds, c, async (id) => {
      await gql(
        'mutation($id: ID!) { acceptEnvironmentAccountConnection(id: $id) { status } }',
        { id },
        mgmtKey,
      );
    });
    const awsAccept = await timed('AWS JSON accept', awsIds, c, async (id) => {
      await mgmtClient.send('AcceptEnvironmentAccountConnection', { id });
    });
    const pgAccept = await timed('bare pg accept', pgIds, c, async (cid) => {
      await base.tx(tenantId, async (db) => {
        await db.query(`SELECT * FROM environment_account_connections WHERE id = $1`, [cid]);
        await db.query(
          `UPDATE environment_account_connections SET status = 'CONNECTED', version = version + 1, "lastModifiedAt" = now() WHERE id = $1 AND version = 0 RETURNING *`,
          [cid],
        );
        await db.query(
          `INSERT INTO connection_transitions ("tenantId", "connectionId", actor, "fromStatus", "toStatus", reason) VALUES ($1, $2, 'bench', 'PENDING', 'CONNECTED', 'bench')`,
          [tenantId, cid],
        );
        await db.query(
          `INSERT INTO outbox_events ("tenantId", type, "aggregateType", "aggregateId", "accountIds", payload) VALUES ($1, 'bench.noop', 'Bench', $2, '{}', '{}')`,
          [tenantId, cid],
        );
      });
    });
    const gqlGet = await timed('GraphQL get', gqlIds, c, async (id) => {
      await gql(
        'query($id: ID!) { environmentAccountConnection(id: $id) { id status } }',
        { id },
        mgmtKey,
      );
    });

    const awsGet = await timed('AWS JSON get', awsIds, c, async (id) => {
      await mgmtClient.send('GetEnvironmentAccountConnection', { id });
    });

    const pgGet = await timed('bare pg get', pgIds, c, async (cid) => {
      await base.tx(tenantId, (db) =>
        db.query(`SELECT * FROM environment_account_connections WHERE id = $1`, [cid]),
      );
    });
    await base.db.end();

    for (const [row, baseline] of [
      [gqlCreate, pgCreate],
      [gqlAccept, pgAccept],
      [gqlGet, pgGet],
      [awsCreate, pgCreate],
      [awsAccept, pgAccept],
      [awsGet, pgGet],
    ]) {
      results.push({ ...row, baseline });
    }
    results.push(pgCreate, pgAccept, pgGet);
  }
  await owner.end();

  printTable('Connections: create, accept, get', results);
  console.log('\n### Role validation: created → VALID (worker), under the create load\n');
  console.log('| phase | c | connections | p50 ms | p95 ms | p99 ms |');
  console.log('|---|---|---|---|---|---|');
  for (const v of validation) {
    console.log(
      `| ${v.name} | ${v.concurrency} | ${v.ops} | ${v.p50.toFixed(1)} | ${v.p95.toFixed(1)} | ${v.p99.toFixed(1)} |`,
    );
  }
  return {
    connections: results.map(({ baseline, ...r }) => ({
      ...r,
      baselineThroughput: baseline?.throughput ?? null,
      ratio: baseline ? r.throughput / baseline.throughput : null,
    })),
    validation,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  runConnections().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
