import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atCommit, beginTenantSql } from './database';
import { ResourceTagRepository } from './repositories/resource-tag.repository';
import { TestDatabase } from './testing/test-database';

describe('beginTenantSql', () => {
  it('opens the transaction, sets the tenant and takes the lock in one statement', () => {
    const id = randomUUID();
    expect(beginTenantSql(id)).toBe(`BEGIN; SELECT set_config('app.tenant_id', '${id}', true)`);
    expect(beginTenantSql(id, { isolationLevel: 'serializable', lockKey: "a'b" })).toBe(
      `BEGIN ISOLATION LEVEL SERIALIZABLE; SELECT set_config('app.tenant_id', '${id}', true), pg_advisory_xact_lock(hashtext('a''b'))`,
    );
  });

  it('refuses a tenant id that is not a UUID (it is written into the statement)', () => {
    expect(() => beginTenantSql("x'; DROP TABLE tenants; --")).toThrow('UUID');
  });
});

describe('TenantDatabase against the real database', () => {
  const test = new TestDatabase();
  afterAll(() => test.close());

  it("shows a tenant transaction that tenant's rows only (row-level security)", async () => {
    const a = await test.tenant(['111111111111']);
    const b = await test.tenant(['222222222222']);
    const seen = await test.db.withTenant(a, (tx) =>
      tx.selectFrom('accounts').select(['tenantId', 'accountId']).execute(),
    );
    expect(seen).toEqual([{ tenantId: a, accountId: '111111111111' }]);
    const other = await test.db.withTenant(a, (tx) =>
      tx.selectFrom('accounts').selectAll().where('tenantId', '=', b).execute(),
    );
    expect(other).toEqual([]);
    // Writing into another tenant is refused by the policy's WITH CHECK.
    await expect(
      test.db.withTenant(a, (tx) =>
        tx.insertInto('accounts').values({ tenantId: b, accountId: '333333333333' }).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('keeps no planner statistics for any "tenantId" column (see the migration that says why)', async () => {
    const { rows } = await test.system.pool.query<{ table: string; target: number | null }>(
      `SELECT c.relname AS "table", a.attstattarget AS target
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attname = 'tenantId'`,
    );
    expect(rows.length).toBeGreaterThan(15);
    expect(rows.filter((r) => r.target !== 0)).toEqual([]);
  });

  it('clears the "tenantId" statistics an earlier ANALYZE collected (superuser) or says how', async () => {
    const migrations = join(__dirname, '../../../prisma/migrations');
    const dir = readdirSync(migrations).find((d) => d.endsWith('_tenant_id_statistics_cleared'));
    const migration = readFileSync(join(migrations, String(dir), 'migration.sql'), 'utf8');
    const tenantId = await test.tenant();
    const client = await test.system.pool.connect();
    const notices: string[] = [];
    client.on('notice', (n) => notices.push(n.message ?? ''));
    const stats = async () =>
      (
        await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stats
            WHERE schemaname = current_schema() AND tablename = 'accounts' AND attname = 'tenantId'`,
        )
      ).rows[0].n;
    try {
      // Everything below is rolled back: the table as an earlier migration left it, analyzed.
      await client.query('BEGIN');
      await client.query('ALTER TABLE "accounts" ALTER COLUMN "tenantId" SET STATISTICS -1');
      await client.query(
        `INSERT INTO "accounts" ("tenantId", "accountId")
         SELECT $1, lpad(g::text, 12, '9') FROM generate_series(1, 50) g`,
        [tenantId],
      );
      await client.query('ANALYZE "accounts"');
      expect(await stats()).toBe(1);
      await client.query('ALTER TABLE "accounts" ALTER COLUMN "tenantId" SET STATISTICS 0');
      await client.query('ANALYZE "accounts"');
      expect(await stats()).toBe(1); // what the migration is for: ANALYZE keeps them

      await client.query(migration);
      const { rows } = await client.query<{ superuser: boolean }>(
        'SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user',
      );
      if (rows[0].superuser) {
        expect(await stats()).toBe(0);
      } else {
        expect(notices.join()).toContain('stale "tenantId" statistics may remain');
      }
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('sees nothing without a tenant', async () => {
    await test.tenant(['444444444444']);
    const rows = await test.db.withoutTenant((db) =>
      db.selectFrom('accounts').selectAll().execute(),
    );
    expect(rows).toEqual([]);
  });

  it('rolls everything back when the function throws', async () => {
    const tenant = await test.tenant();
    await expect(
      test.db.withTenant(tenant, async (tx) => {
        await tx
          .insertInto('accounts')
          .values({ tenantId: tenant, accountId: '555555555555' })
          .execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const rows = await test.system.db
      .selectFrom('accounts')
      .selectAll()
      .where('tenantId', '=', tenant)
      .execute();
    expect(rows).toEqual([]);
  });

  it('does not report success when a failed statement was swallowed', async () => {
    const tenant = await test.tenant(['666666666666']);
    await expect(
      test.db.withTenant(tenant, async (tx) => {
        await tx
          .insertInto('accounts')
          .values({ tenantId: tenant, accountId: '666666666666' })
          .execute()
          .catch(() => undefined);
      }),
    ).rejects.toThrow('rolled back');
  });

  it('opens no transaction for a function that runs no statement', async () => {
    const tenant = await test.tenant();
    await expect(test.db.withTenant(tenant, async () => 'nothing')).resolves.toBe('nothing');
  });

  it('reads one statement with the tenant set, and refuses a second one', async () => {
    const a = await test.tenant(['777777777777']);
    await test.tenant(['888888888888']);
    const rows = await test.db.readTenant(a, (tx) =>
      tx.selectFrom('accounts').select('accountId').execute(),
    );
    expect(rows).toEqual([{ accountId: '777777777777' }]);
    await expect(
      test.db.readTenant(a, async (tx) => {
        await tx.selectFrom('accounts').select('accountId').execute();
        return tx.selectFrom('accounts').select('accountId').execute();
      }),
    ).rejects.toThrow('second statement');
  });

  it('writes deferred statements with COMMIT, and none of the transaction when one fails', async () => {
    const tenant = await test.tenant();
    const accounts = () =>
      test.system.db
        .selectFrom('accounts')
        .select('accountId')
        .where('tenantId', '=', tenant)
        .orderBy('accountId')
        .execute();
    await test.db.withTenant(tenant, async (tx) => {
      await atCommit(
        tx,
        tx.insertInto('accounts').values({ tenantId: tenant, accountId: '100000000001' }),
      );
      // Not written yet: it waits for COMMIT.
      expect(await tx.selectFrom('accounts').select('accountId').execute()).toEqual([]);
      await tx
        .insertInto('accounts')
        .values({ tenantId: tenant, accountId: '100000000002' })
        .execute();
    });
    expect(await accounts()).toEqual([
      { accountId: '100000000001' },
      { accountId: '100000000002' },
    ]);
    await expect(
      test.db.withTenant(tenant, async (tx) => {
        await tx
          .insertInto('accounts')
          .values({ tenantId: tenant, accountId: '100000000003' })
          .execute();
        // A duplicate: it fails at commit, and takes the whole transaction with it.
        await atCommit(
          tx,
          tx.insertInto('accounts').values({ tenantId: tenant, accountId: '100000000001' }),
        );
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await accounts()).toEqual([
      { accountId: '100000000001' },
      { accountId: '100000000002' },
    ]);
    // A transaction of deferred writes only opens, writes and commits in one message.
    await test.db.withTenant(tenant, (tx) =>
      atCommit(
        tx,
        tx.insertInto('accounts').values({ tenantId: tenant, accountId: '100000000004' }),
      ),
    );
    expect((await accounts()).map((a) => a.accountId)).toContain('100000000004');
  });

  it('binds the bytes of a first statement (no literal holds them), the tenant still set', async () => {
    const tenantId = await test.tenant();
    const worldId = randomUUID();
    const bytes = Buffer.from([0, 1, 2, 255, 39, 92]);
    await test.db.withTenant(tenantId, (tx) =>
      tx
        .insertInto('world_credentials')
        .values({ tenantId, worldId, batch: 0, sealed: bytes, expiresAt: new Date() })
        .execute(),
    );
    const rows = await test.db.withTenant(tenantId, (tx) =>
      tx.selectFrom('world_credentials').select('sealed').where('worldId', '=', worldId).execute(),
    );
    expect(rows).toEqual([{ sealed: bytes }]);
  });

  it('serializes transactions that take the same advisory lock', async () => {
    const tenant = await test.tenant();
    const order: string[] = [];
    // The lock is taken with the transaction's first statement.
    const hold = (name: string) =>
      test.db.withTenant(
        tenant,
        async (tx) => {
          await tx.selectFrom('tenants').select('id').execute();
          order.push(`${name} in`);
          await new Promise((r) => setTimeout(r, 100));
          order.push(`${name} out`);
        },
        { lockKey: `test|${tenant}` },
      );
    await Promise.all([
      hold('first'),
      new Promise((r) => setTimeout(r, 20)).then(() => hold('second')),
    ]);
    expect(order).toEqual(['first in', 'first out', 'second in', 'second out']);
  });
});

describe('ResourceTagRepository against the real database', () => {
  const test = new TestDatabase();
  const tags = new ResourceTagRepository();
  afterAll(() => test.close());

  it('puts (replacing values), lists by key with a keyset, removes and drops', async () => {
    const tenant = await test.tenant();
    const arn = 'arn:aws:proton:us-east-1:111111111111:environment/e1';
    const other = 'arn:aws:proton:us-east-1:111111111111:environment/e2';
    await test.db.withTenant(tenant, async (tx) => {
      await tags.put(tx, tenant, arn, [
        { key: 'b', value: '1' },
        { key: 'a', value: '2' },
        { key: 'c', value: '3' },
      ]);
      await tags.put(tx, tenant, arn, [{ key: 'a', value: 'replaced' }]);
      await tags.put(tx, tenant, other, [{ key: 'z', value: '9' }]);
    });
    await test.db.withTenant(tenant, async (tx) => {
      expect((await tags.keys(tx, tenant, arn)).sort()).toEqual(['a', 'b', 'c']);
      expect(await tags.page(tx, tenant, arn, null, 2)).toEqual([
        { key: 'a', value: 'replaced' },
        { key: 'b', value: '1' },
        { key: 'c', value: '3' },
      ]);
      expect(await tags.page(tx, tenant, arn, 'b', 2)).toEqual([{ key: 'c', value: '3' }]);
      expect(await tags.ofMany(tx, tenant, [other, 'arn:none', arn])).toEqual([
        [{ key: 'z', value: '9' }],
        [],
        [
          { key: 'a', value: 'replaced' },
          { key: 'b', value: '1' },
          { key: 'c', value: '3' },
        ],
      ]);
      await tags.remove(tx, tenant, arn, ['b', 'missing']);
      expect((await tags.keys(tx, tenant, arn)).sort()).toEqual(['a', 'c']);
      await tags.drop(tx, tenant, [arn, other]);
      expect(await tags.ofMany(tx, tenant, [arn, other])).toEqual([[], []]);
    });
  });
});
