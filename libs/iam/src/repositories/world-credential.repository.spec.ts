import { randomUUID } from 'node:crypto';
import { TestDatabase } from '@accountlink/db';
import { AccountRepository } from '@accountlink/tenancy';
import { WorldCredentialRepository } from './world-credential.repository';

describe('WorldCredentialRepository and the bulk inserts against the real database', () => {
  const test = new TestDatabase();
  const repo = new WorldCredentialRepository();
  let tenantId: string;
  let otherTenantId: string;

  beforeAll(async () => {
    tenantId = await test.tenant();
    otherTenantId = await test.tenant();
  });
  afterAll(() => test.close());

  const store = (tenant: string, worldId: string, batch: number, expiresAt: Date) =>
    test.db.withTenant(tenant, (tx) =>
      repo.insert(tx, {
        tenantId: tenant,
        worldId,
        batch,
        sealed: Buffer.from(`batch ${batch}`),
        expiresAt,
      }),
    );

  it('hands a world its batches in order, once; another tenant takes none of them', async () => {
    const worldId = randomUUID();
    const later = new Date(Date.now() + 60_000);
    for (const batch of [2, 0, 1]) {
      await store(tenantId, worldId, batch, later);
    }
    const stolen = await test.db.withTenant(otherTenantId, (tx) =>
      repo.take(tx, tenantId, worldId),
    );
    expect(stolen).toEqual([]);
    const taken = await test.db.withTenant(tenantId, (tx) => repo.take(tx, tenantId, worldId));
    expect(taken.map((b) => [b.batch, b.sealed.toString()])).toEqual([
      [0, 'batch 0'],
      [1, 'batch 1'],
      [2, 'batch 2'],
    ]);
    expect(await test.db.withTenant(tenantId, (tx) => repo.take(tx, tenantId, worldId))).toEqual(
      [],
    );
  });

  it('purges, across tenants, only what has expired', async () => {
    const expired = randomUUID();
    const live = randomUUID();
    await store(tenantId, expired, 0, new Date(Date.now() - 1000));
    await store(otherTenantId, expired, 0, new Date(Date.now() - 1000));
    await store(tenantId, live, 0, new Date(Date.now() + 60_000));
    expect(await repo.purgeExpired(test.system.db)).toBeGreaterThanOrEqual(2);
    const left = await test.db.withTenant(tenantId, (tx) => repo.take(tx, tenantId, live));
    expect(left).toHaveLength(1);
    expect(await test.db.withTenant(tenantId, (tx) => repo.take(tx, tenantId, expired))).toEqual(
      [],
    );
  });

  it('inserts many accounts in one statement, skipping the ids already taken', async () => {
    const accounts = new AccountRepository();
    const first = await test.db.withTenant(tenantId, (tx) =>
      accounts.insertMany(tx, tenantId, ['310000000000', '310000000001']),
    );
    expect(first.sort()).toEqual(['310000000000', '310000000001']);
    const again = await test.db.withTenant(tenantId, (tx) =>
      accounts.insertMany(tx, tenantId, ['310000000001', '310000000002']),
    );
    expect(again).toEqual(['310000000002']);
  });
});
