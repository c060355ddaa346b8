import { randomUUID } from 'node:crypto';
import { TestDatabase } from '@accountlink/db';
import { sql } from 'kysely';
import { DatabaseError } from 'pg';
import { AccessKeyRepository } from './access-key.repository';

const ACCOUNT = '300000000002';

describe('AccessKeyRepository against the real database', () => {
  const test = new TestDatabase();
  const repo = new AccessKeyRepository();
  let tenantId: string;
  const accessKeyId = `AKIA${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`;

  beforeAll(async () => {
    tenantId = await test.tenant([ACCOUNT]);
  });
  afterAll(() => test.close());

  it('writes a key and reads it back without its secret', async () => {
    const row = await test.db.withTenant(tenantId, (tx) =>
      repo.insert(tx, {
        accessKeyId,
        tenantId,
        accountId: ACCOUNT,
        secretAccessKey: 's'.repeat(40),
      }),
    );
    expect(row).toEqual({ accessKeyId, tenantId, accountId: ACCOUNT, createdAt: expect.any(Date) });
    const listed = await test.db.withTenant(tenantId, (tx) => repo.list(tx, tenantId, ACCOUNT, 10));
    expect(listed).toEqual([row]);
  });

  it('leaves the secret to the definer function: the application role cannot select it', async () => {
    const error = await test.db
      .withTenant(tenantId, (tx) =>
        sql`SELECT "secretAccessKey" FROM "access_keys" WHERE "accessKeyId" = ${accessKeyId}`.execute(
          tx,
        ),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: '42501' });
    // The definer function still reads it (SigV4 verification).
    const { rows } = await test.db.withoutTenant((db) =>
      sql<{ secretAccessKey: string }>`SELECT * FROM auth_access_key(${accessKeyId})`.execute(db),
    );
    expect(rows[0]?.secretAccessKey).toBe('s'.repeat(40));
  });

  it('gives the application role no CREATE on the schema', async () => {
    const error = await test.db
      .withoutTenant((db) => sql`CREATE TABLE "app_made_this" (x int)`.execute(db))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '42501' });
  });
});
