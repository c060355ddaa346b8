/**
 * npm run bench:query-layer -- [--ops 4000] [--concurrency 16]
 *
 * The same operations through three query layers on the same database, as the application role,
 * in one process: a bare `pg` pool (the baseline), the product's Kysely path (TenantDatabase), and
 * Prisma Client 7 with the pg driver adapter (what the product used before). Each operation is one
 * tenant transaction. Prints throughput and client CPU per operation.
 */
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { sql } from 'kysely';
import { Pool, PoolClient } from 'pg';
import { TenantDatabase } from '../../libs/db/src/database';
import { PrismaClient } from '../../libs/db/src/generated/prisma/client';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const OPS = Number(arg('ops', '4000'));
const CONCURRENCY = Number(arg('concurrency', '16'));
const ownerUrl =
  process.env['DATABASE_URL'] ?? 'postgresql://accountlink:accountlink@127.0.0.1:55432/accountlink';
const appUrl = (() => {
  const u = new URL(ownerUrl);
  u.username = 'accountlink_app';
  u.password = process.env['APP_DATABASE_PASSWORD'] ?? 'accountlink_app';
  return u.toString();
})();

interface Result {
  layer: string;
  operation: string;
  throughput: number;
  cpuMicros: number;
}

async function measure(layer: string, operation: string, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 200; i++) {
    await fn(i); // warm-up: connections, JIT
  }
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < OPS) {
        await fn(next++);
      }
    }),
  );
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return {
    layer,
    operation,
    throughput: (OPS / wall) * 1000,
    cpuMicros: (used.user + used.system) / OPS,
  } satisfies Result;
}

async function main(): Promise<void> {
  const owner = new Pool({ connectionString: ownerUrl, max: 2 });
  const tenantId = randomUUID();
  await owner.query(`INSERT INTO tenants (id, name) VALUES ($1, $2)`, [
    tenantId,
    `qbench-${tenantId}`,
  ]);
  await owner.query(
    `INSERT INTO accounts ("tenantId", "accountId") VALUES ($1, '100000000000'), ($1, '200000000000')`,
    [tenantId],
  );
  const existing = randomUUID();
  await owner.query(
    `INSERT INTO environment_account_connections (id, "tenantId", region, "environmentAccountId", "managementAccountId", "environmentName", status, "requestHash")
     VALUES ($1, $2, 'us-east-1', '200000000000', '100000000000', 'qbench', 'PENDING', 'h')`,
    [existing, tenantId],
  );

  const pool = new Pool({ connectionString: appUrl, max: CONCURRENCY });
  const pgTx = async <T>(fn: (c: PoolClient) => Promise<T>): Promise<T> => {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      const r = await fn(c);
      await c.query('COMMIT');
      return r;
    } catch (e) {
      await c.query('ROLLBACK');
      throw e;
    } finally {
      c.release();
    }
  };
  const kysely = new TenantDatabase({ connectionString: appUrl, max: CONCURRENCY });
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: appUrl, max: CONCURRENCY }),
  });
  const prismaTx = <T>(
    fn: (tx: Parameters<Parameters<typeof prisma.$transaction>[0]>[0]) => Promise<T>,
  ) =>
    prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
      return fn(tx);
    });

  const insertValues = (i: number, layer: string) => {
    const id = randomUUID();
    return { id, key: `${layer}|${i}|${id}` };
  };
  const results: Result[] = [];

  // 1. get by id
  results.push(
    await measure('pg', 'get by id', () =>
      pgTx((c) =>
        c.query(`SELECT * FROM environment_account_connections WHERE id = $1`, [existing]),
      ),
    ),
    await measure('kysely', 'get by id', () =>
      kysely.withTenant(tenantId, (tx) =>
        tx
          .selectFrom('environment_account_connections')
          .selectAll()
          .where('id', '=', existing)
          .executeTakeFirst(),
      ),
    ),
    await measure('prisma', 'get by id', () =>
      prismaTx((tx) => tx.environmentAccountConnection.findUnique({ where: { id: existing } })),
    ),
  );

  // 2. the create shape: connection, role validation, transition and outbox rows
  results.push(
    await measure('pg', 'create (4 inserts)', (i) => {
      const v = insertValues(i, 'pg');
      return pgTx(async (c) => {
        await c.query(
          `INSERT INTO environment_account_connections (id, "tenantId", region, "environmentAccountId", "managementAccountId", "environmentName", "roleArn", status, "liveKey", "requestHash")
           VALUES ($1, $2, 'us-east-1', '200000000000', '100000000000', 'qb', 'arn', 'PENDING', $3, 'h')`,
          [v.id, tenantId, v.key],
        );
        await c.query(
          `INSERT INTO connection_role_validations ("tenantId", "connectionId", kind, "roleArn") VALUES ($1, $2, 'ROLE', 'arn')`,
          [tenantId, v.id],
        );
        await c.query(
          `INSERT INTO connection_transitions ("tenantId", "connectionId", actor, "toStatus", reason) VALUES ($1, $2, 'bench', 'PENDING', 'bench')`,
          [tenantId, v.id],
        );
        await c.query(
          `INSERT INTO outbox_events ("tenantId", type, "aggregateType", "aggregateId", "accountIds", payload) VALUES ($1, 'bench.noop', 'Bench', $2, '{}', '{}')`,
          [tenantId, v.id],
        );
      });
    }),
    await measure('kysely', 'create (4 inserts)', (i) => {
      const v = insertValues(i, 'ky');
      return kysely.withTenant(tenantId, async (tx) => {
        await tx
          .insertInto('environment_account_connections')
          .values({
            id: v.id,
            tenantId,
            region: 'us-east-1',
            environmentAccountId: '200000000000',
            managementAccountId: '100000000000',
            environmentName: 'qb',
            roleArn: 'arn',
            status: 'PENDING',
            liveKey: v.key,
            requestHash: 'h',
          })
          .execute();
        await tx
          .insertInto('connection_role_validations')
          .values({ tenantId, connectionId: v.id, kind: 'ROLE', roleArn: 'arn' })
          .execute();
        await tx
          .insertInto('connection_transitions')
          .values({
            tenantId,
            connectionId: v.id,
            actor: 'bench',
            toStatus: 'PENDING',
            reason: 'bench',
          })
          .execute();
        await tx
          .insertInto('outbox_events')
          .values({
            tenantId,
            type: 'bench.noop',
            aggregateType: 'Bench',
            aggregateId: v.id,
            accountIds: [],
            payload: sql`'{}'::jsonb`,
          })
          .execute();
      });
    }),
    await measure('prisma', 'create (4 inserts)', (i) => {
      const v = insertValues(i, 'pr');
      return prismaTx(async (tx) => {
        await tx.environmentAccountConnection.create({
          data: {
            id: v.id,
            tenantId,
            region: 'us-east-1',
            environmentAccountId: '200000000000',
            managementAccountId: '100000000000',
            environmentName: 'qb',
            roleArn: 'arn',
            status: 'PENDING',
            liveKey: v.key,
            requestHash: 'h',
          },
        });
        await tx.connectionRoleValidation.create({
          data: { tenantId, connectionId: v.id, kind: 'ROLE', roleArn: 'arn' },
        });
        await tx.connectionTransition.create({
          data: {
            tenantId,
            connectionId: v.id,
            actor: 'bench',
            toStatus: 'PENDING',
            reason: 'bench',
          },
        });
        await tx.outboxEvent.create({
          data: {
            tenantId,
            type: 'bench.noop',
            aggregateType: 'Bench',
            aggregateId: v.id,
            accountIds: [],
            payload: {},
          },
        });
      });
    }),
  );

  // 3. a first list page
  results.push(
    await measure('pg', 'list page (50)', () =>
      pgTx((c) =>
        c.query(
          `SELECT * FROM environment_account_connections WHERE "tenantId" = $1 AND "managementAccountId" = '100000000000' AND region = 'us-east-1' AND status = 'PENDING' ORDER BY "requestedAt", id LIMIT 51`,
          [tenantId],
        ),
      ),
    ),
    await measure('kysely', 'list page (50)', () =>
      kysely.withTenant(tenantId, (tx) =>
        tx
          .selectFrom('environment_account_connections')
          .selectAll()
          .where('tenantId', '=', tenantId)
          .where('managementAccountId', '=', '100000000000')
          .where('region', '=', 'us-east-1')
          .where('status', '=', 'PENDING')
          .orderBy('requestedAt')
          .orderBy('id')
          .limit(51)
          .execute(),
      ),
    ),
    await measure('prisma', 'list page (50)', () =>
      prismaTx((tx) =>
        tx.environmentAccountConnection.findMany({
          where: {
            tenantId,
            managementAccountId: '100000000000',
            region: 'us-east-1',
            status: 'PENDING',
          },
          orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }],
          take: 51,
        }),
      ),
    ),
  );

  console.log(
    `Query layers: ${OPS} operations per row, concurrency ${CONCURRENCY}, one tenant transaction each\n`,
  );
  console.log('| operation | layer | ops/s | client CPU per op (µs) | throughput vs pg |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    const base = results.find((b) => b.layer === 'pg' && b.operation === r.operation) as Result;
    console.log(
      `| ${r.operation} | ${r.layer} | ${r.throughput.toFixed(0)} | ${r.cpuMicros.toFixed(0)} | ${(r.throughput / base.throughput).toFixed(2)} |`,
    );
  }
  await owner.query(`DELETE FROM tenants WHERE id = $1`, [tenantId]);
  await Promise.all([owner.end(), pool.end(), kysely.destroy(), prisma.$disconnect()]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
