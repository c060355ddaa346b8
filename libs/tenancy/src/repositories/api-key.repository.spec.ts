import { randomUUID } from 'node:crypto';
import { ApiKeyKind, TestDatabase } from '@accountlink/db';
import { DatabaseError } from 'pg';
import { ApiKeyRepository } from './api-key.repository';

const ACCOUNT = '300000000001';

describe('ApiKeyRepository against the real database', () => {
  const test = new TestDatabase();
  const repo = new ApiKeyRepository();
  let tenantId: string;
  let userId: string;

  beforeAll(async () => {
    tenantId = await test.tenant([ACCOUNT]);
    userId = randomUUID();
    await test.system.db
      .insertInto('users')
      .values({ id: userId, tenantId, name: 'u', email: `${userId}@example.com`, emailKey: userId })
      .execute();
  });
  afterAll(() => test.close());

  function insert(kind: ApiKeyKind, accountId: string | null, user: string | null) {
    return test.db.withTenant(tenantId, (tx) =>
      repo.insert(tx, {
        id: randomUUID(),
        tenantId,
        kind,
        accountId,
        userId: user,
        keyHash: randomUUID(),
        keyPrefix: 'alk_test',
      }),
    );
  }

  it('stores each kind with its own subject', async () => {
    await expect(insert(ApiKeyKind.ACCOUNT, ACCOUNT, null)).resolves.toMatchObject({
      kind: 'ACCOUNT',
      accountId: ACCOUNT,
      userId: null,
    });
    await expect(insert(ApiKeyKind.USER, null, userId)).resolves.toMatchObject({ kind: 'USER' });
    await expect(insert(ApiKeyKind.TENANT_ADMIN, null, null)).resolves.toMatchObject({
      kind: 'TENANT_ADMIN',
    });
  });

  it.each([
    [ApiKeyKind.USER, null, false],
    [ApiKeyKind.ACCOUNT, null, false],
    [ApiKeyKind.ACCOUNT, ACCOUNT, true],
    [ApiKeyKind.TENANT_ADMIN, ACCOUNT, false],
    [ApiKeyKind.TENANT_ADMIN, null, true],
  ])(
    'refuses a %s key with account %p (and a user: %p), by the kind trigger (check_violation)',
    async (kind, accountId, withUser) => {
      const error = await insert(kind, accountId, withUser ? userId : null).catch((e) => e);
      expect(error).toBeInstanceOf(DatabaseError);
      expect(error).toMatchObject({ code: '23514', constraint: 'api_keys_kind_subject_check' });
    },
  );
});
