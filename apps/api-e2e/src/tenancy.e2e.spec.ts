import { randomUUID } from 'node:crypto';
import {
  accountKey,
  CallOptions,
  createAccount,
  createRole,
  createTenant,
  fails,
  gql,
  OPERATOR,
  ok,
  trustPolicy,
} from './test/client';
import { newUser } from './test/codecatalyst';
import { count } from './test/db';

const CREATE_TENANT =
  'mutation($name: String!) { createTenant(input: { name: $name }) { tenant { id name } adminKey } }';
const CREATE_ACCOUNT =
  'mutation($id: String, $alias: String) { createAccount(input: { accountId: $id, alias: $alias }) { accountId alias createdAt } }';
const ME = '{ me { kind region tenant { id name } account { accountId } } }';

describe('tenants', () => {
  it('the operator creates a tenant whose admin key works once shown', async () => {
    const name = `acme-${randomUUID().slice(0, 8)}`;
    const data = await ok<{
      createTenant: { tenant: { id: string; name: string }; adminKey: string };
    }>(CREATE_TENANT, { name }, OPERATOR);
    expect(data.createTenant.tenant.name).toBe(name);
    expect(data.createTenant.adminKey).toMatch(/^alk_/);
    const me = await ok<{ me: { kind: string; tenant: { name: string } } }>(
      ME,
      {},
      { token: data.createTenant.adminKey },
    );
    expect(me.me).toMatchObject({ kind: 'TENANT_ADMIN', tenant: { name } });
    // Stored only as a hash.
    expect(await count('api_keys', '"keyHash" = $1', [data.createTenant.adminKey])).toBe(0);
  });

  it('only the operator creates tenants', async () => {
    const tenant = await createTenant();
    const before = await count('tenants');
    expect(
      (await fails(CREATE_TENANT, { name: `x-${randomUUID().slice(0, 6)}` }, tenant.admin)).code,
    ).toBe('FORBIDDEN');
    expect(await count('tenants')).toBe(before);
  });

  it('refuses a duplicate or malformed name and writes nothing', async () => {
    const tenant = await createTenant();
    const before = await count('tenants');
    const keysBefore = await count('api_keys');
    expect(await fails(CREATE_TENANT, { name: tenant.name }, OPERATOR)).toMatchObject({
      code: 'CONFLICT',
    });
    expect(await fails(CREATE_TENANT, { name: ' bad name' }, OPERATOR)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'name',
    });
    expect(await fails(CREATE_TENANT, { name: 'x'.repeat(101) }, OPERATOR)).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(await count('tenants')).toBe(before);
    expect(await count('api_keys')).toBe(keysBefore);
  });
});

describe('authentication', () => {
  it('answers UNAUTHENTICATED for a missing, malformed, unknown or revoked key', async () => {
    expect((await fails(ME)).code).toBe('UNAUTHENTICATED');
    expect((await fails(ME, {}, { headers: { authorization: 'Basic abc' } })).code).toBe(
      'UNAUTHENTICATED',
    );
    expect((await fails(ME, {}, { token: `alk_${'A'.repeat(43)}` })).code).toBe('UNAUTHENTICATED');

    const tenant = await createTenant();
    const key = await ok<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      'mutation { createApiKey(input: {}) { key apiKey { id kind } } }',
      {},
      tenant.admin,
    );
    expect(
      (await ok<{ me: { kind: string } }>(ME, {}, { token: key.createApiKey.key })).me.kind,
    ).toBe('TENANT_ADMIN');
    const revoked = await ok<{ revokeApiKey: { revokedAt: string } }>(
      'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }',
      { id: key.createApiKey.apiKey.id },
      tenant.admin,
    );
    expect(revoked.revokeApiKey.revokedAt).toBeTruthy();
    expect(await fails(ME, {}, { token: key.createApiKey.key })).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'The API key is unknown or revoked',
    });
  });

  it('reports the principal, tenant, account and region in `me`', async () => {
    const tenant = await createTenant();
    const accountId = await createAccount(tenant, '123456789012');
    const key = await accountKey(tenant, accountId);
    const me = await ok<{ me: unknown }>(ME, {}, { ...key, region: 'eu-west-1' });
    expect(me.me).toEqual({
      kind: 'ACCOUNT',
      region: 'eu-west-1',
      tenant: { id: tenant.id, name: tenant.name },
      account: { accountId },
    });
    expect((await ok<{ me: unknown }>(ME, {}, OPERATOR)).me).toEqual({
      kind: 'OPERATOR',
      region: 'us-east-1',
      tenant: null,
      account: null,
    });
  });

  it('refuses a region that is not an AWS Region name', async () => {
    const tenant = await createTenant();
    expect(await fails(ME, {}, { ...tenant.admin, region: 'moon-1' })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'x-aws-region',
    });
  });
});

describe('accounts', () => {
  it('creates accounts with a given or a random unused id', async () => {
    const tenant = await createTenant();
    const given = await ok<{ createAccount: { accountId: string; alias: string } }>(
      CREATE_ACCOUNT,
      { id: '111111111111', alias: 'prod-ops' },
      tenant.admin,
    );
    expect(given.createAccount).toMatchObject({ accountId: '111111111111', alias: 'prod-ops' });
    const random = await ok<{ createAccount: { accountId: string } }>(
      CREATE_ACCOUNT,
      {},
      tenant.admin,
    );
    expect(random.createAccount.accountId).toMatch(/^\d{12}$/);
    expect(random.createAccount.accountId).not.toBe('111111111111');
  });

  it('refuses malformed ids, bad aliases and duplicates, writing nothing', async () => {
    const tenant = await createTenant();
    await createAccount(tenant, '111111111111');
    const before = await count('accounts', '"tenantId" = $1', [tenant.id]);
    for (const id of ['11111111111', '1111111111111', 'abcdefghijkl', '11111111111 ']) {
      expect(await fails(CREATE_ACCOUNT, { id }, tenant.admin)).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'accountId',
      });
    }
    expect(
      await fails(CREATE_ACCOUNT, { id: '333333333333', alias: 'Bad Alias' }, tenant.admin),
    ).toMatchObject({ field: 'alias' });
    expect(await fails(CREATE_ACCOUNT, { id: '111111111111' }, tenant.admin)).toMatchObject({
      code: 'CONFLICT',
    });
    expect(await count('accounts', '"tenantId" = $1', [tenant.id])).toBe(before);
  });

  it('only tenant administrators create accounts', async () => {
    const tenant = await createTenant();
    const key = await accountKey(tenant, await createAccount(tenant));
    expect((await fails(CREATE_ACCOUNT, {}, key)).code).toBe('FORBIDDEN');
    expect((await fails(CREATE_ACCOUNT, {}, OPERATOR)).code).toBe('FORBIDDEN');
  });

  it('pages through accounts with opaque, tamper-evident cursors', async () => {
    const tenant = await createTenant();
    const ids = ['100000000001', '100000000002', '100000000003', '100000000004', '100000000005'];
    for (const id of ids) {
      await createAccount(tenant, id);
    }
    const PAGE =
      'query($after: String) { accounts(first: 2, after: $after) { edges { cursor node { accountId } } pageInfo { hasNextPage endCursor } } }';
    type Page = {
      accounts: {
        edges: { node: { accountId: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: Page = await ok<Page>(PAGE, { after }, tenant.admin);
      seen.push(...page.accounts.edges.map((e) => e.node.accountId));
      pages += 1;
      if (!page.accounts.pageInfo.hasNextPage) {
        break;
      }
      after = page.accounts.pageInfo.endCursor;
    }
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);

    const first = await ok<Page>(PAGE, { after: null }, tenant.admin);
    const cursor = first.accounts.pageInfo.endCursor;
    const forged = `${Buffer.from(JSON.stringify(['100000000004'])).toString('base64url')}.${cursor.split('.')[1]}`;
    expect(await fails(PAGE, { after: forged }, tenant.admin)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
    const other = await createTenant();
    expect(await fails(PAGE, { after: cursor }, other.admin)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
    expect(
      await fails('{ accounts(first: 101) { edges { cursor } } }', {}, tenant.admin),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('access keys', () => {
  it('creates an access key for an account, lists it without its secret, and deletes it', async () => {
    const tenant = await createTenant();
    const accountId = await createAccount(tenant);
    const created = await ok<{ createAccessKey: { accessKeyId: string; secretAccessKey: string } }>(
      'mutation($id: String!) { createAccessKey(input: { accountId: $id }) { accessKeyId secretAccessKey } }',
      { id: accountId },
      tenant.admin,
    );
    expect(created.createAccessKey.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(created.createAccessKey.secretAccessKey).toHaveLength(40);
    const listed = await ok<{ accessKeys: { accessKeyId: string }[] }>(
      'query($id: String!) { accessKeys(accountId: $id) { accessKeyId accountId } }',
      { id: accountId },
      await accountKey(tenant, accountId),
    );
    expect(listed.accessKeys).toEqual([
      { accessKeyId: created.createAccessKey.accessKeyId, accountId },
    ]);
    await ok(
      'mutation($k: String!) { deleteAccessKey(accessKeyId: $k) { accessKeyId } }',
      { k: created.createAccessKey.accessKeyId },
      tenant.admin,
    );
    expect(
      await count('access_keys', '"accessKeyId" = $1', [created.createAccessKey.accessKeyId]),
    ).toBe(0);
    expect(
      await fails(
        'mutation { createAccessKey(input: { accountId: "999999999999" }) { accessKeyId } }',
        {},
        tenant.admin,
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('identity data (accounts, roles, access keys)', () => {
  const ACCOUNT_ID = '444455556666';
  const READS: [string, string][] = [
    ['account', 'query($a: String!) { account(accountId: $a) { accountId } }'],
    ['accounts', 'query { accounts { edges { node { accountId } } } }'],
    ['accessKeys', 'query($a: String!) { accessKeys(accountId: $a) { accessKeyId } }'],
    [
      'roles',
      'query($a: String!) { roles(accountId: $a) { edges { node { arn assumeRolePolicyDocument } } } }',
    ],
    [
      'role',
      'query($a: String!) { role(accountId: $a, roleName: "Readable") { arn assumeRolePolicyDocument } }',
    ],
  ];
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  let accessKeyId: string;
  const userKeys: Record<string, CallOptions> = {};

  beforeAll(async () => {
    tenant = await createTenant('identity');
    await createAccount(tenant, ACCOUNT_ID);
    await createRole(tenant, ACCOUNT_ID, 'Readable', trustPolicy('proton.amazonaws.com'));
    const key = await ok<{ createAccessKey: { accessKeyId: string } }>(
      'mutation($a: String!) { createAccessKey(input: { accountId: $a }) { accessKeyId } }',
      { a: ACCOUNT_ID },
      tenant.admin,
    );
    accessKeyId = key.createAccessKey.accessKeyId;
    // A space administrator (who created the space) and a limited member of it.
    const spaceAdmin = await newUser(tenant, 'space-admin');
    const limited = await newUser(tenant, 'limited');
    const space = await ok<{ createSpace: { id: string } }>(
      'mutation { createSpace(input: { name: "identity-space", region: "us-west-2" }) { id } }',
      {},
      spaceAdmin.key,
    );
    await ok(
      'mutation($s: ID!, $u: ID!) { addSpaceMember(input: { spaceId: $s, userId: $u, role: LIMITED_ACCESS }) { id } }',
      { s: space.createSpace.id, u: limited.id },
      spaceAdmin.key,
    );
    userKeys['a space administrator'] = spaceAdmin.key;
    userKeys['a limited-access member'] = limited.key;
  });

  describe.each(READS)('%s', (_field, query) => {
    it.each(['a space administrator', 'a limited-access member'])(
      'is refused to the user key of %s, naming no account data',
      async (who) => {
        const res = await gql(query, { a: ACCOUNT_ID }, userKeys[who]);
        expect(Object.values(res.data ?? {}).filter((value) => value !== null)).toEqual([]);
        expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        const text = JSON.stringify(res);
        expect(text).not.toContain(accessKeyId);
        expect(text).not.toContain('arn:aws:iam');
        expect(text).not.toContain(ACCOUNT_ID);
      },
    );

    it("is answered to a tenant administrator and to the account's own key", async () => {
      for (const key of [tenant.admin, await accountKey(tenant, ACCOUNT_ID)]) {
        const res = await gql(query, { a: ACCOUNT_ID }, key);
        expect(res.errors).toBeUndefined();
        expect(JSON.stringify(res.data)).toMatch(new RegExp(`${ACCOUNT_ID}|${accessKeyId}`));
      }
    });
  });
});

describe('quotas on roles, users and spaces', () => {
  it('refuses the role, the user and the space over the tenant’s quota, writing nothing', async () => {
    const t = await createTenant('quotas');
    await ok(
      'mutation { updateTenantSettings(input: { roleQuota: 2, userQuota: 2, spaceQuota: 1 }) { roleQuota userQuota spaceQuota } }',
      {},
      t.admin,
    );
    const accountId = await createAccount(t, '555566667777');
    await createRole(t, accountId, 'One');
    await createRole(t, accountId, 'Two');
    const role = await fails(
      'mutation($input: CreateRoleInput!) { createRole(input: $input) { arn } }',
      {
        input: {
          accountId,
          roleName: 'Three',
          assumeRolePolicyDocument: trustPolicy('proton.amazonaws.com'),
        },
      },
      t.admin,
    );
    expect(role).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      message: expect.stringMatching(/quota of 2 roles/),
    });
    // Another account of the tenant has its own role quota.
    await createRole(t, await createAccount(t, '555566668888'), 'One');

    const first = await newUser(t, 'first');
    await newUser(t, 'second');
    const user = await fails(
      'mutation { createUser(input: { name: "third", email: "third@example.com" }) { id } }',
      {},
      t.admin,
    );
    expect(user).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      message: expect.stringMatching(/quota of 2 users/),
    });
    expect(await count('users', '"tenantId" = $1', [t.id])).toBe(2);

    await ok(
      'mutation { createSpace(input: { name: "only", region: "us-west-2" }) { id } }',
      {},
      first.key,
    );
    const space = await fails(
      'mutation { createSpace(input: { name: "second", region: "us-west-2" }) { id } }',
      {},
      first.key,
    );
    expect(space).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      message: expect.stringMatching(/quota of 1 spaces/),
    });
    expect(await count('spaces', '"tenantId" = $1', [t.id])).toBe(1);
    expect(await count('roles', '"tenantId" = $1 AND "accountId" = $2', [t.id, accountId])).toBe(2);
  });

  it('refuses a new bundle object over the account’s quota, and still replaces an existing one', async () => {
    const t = await createTenant('bundle-quota');
    await ok(
      'mutation { updateTenantSettings(input: { bundleObjectQuota: 2 }) { bundleObjectQuota } }',
      {},
      t.admin,
    );
    const accountId = await createAccount(t, '555566667777');
    const PUT =
      'mutation($input: PutBundleObjectInput!) { putBundleObject(input: $input) { key size } }';
    const put = (key: string, body: string) => ({
      input: { accountId, bucket: 'proton-templates', key, body },
    });
    await ok(PUT, put('one.yaml', 'a'), t.admin);
    await ok(PUT, put('two.yaml', 'b'), t.admin);
    expect(await fails(PUT, put('three.yaml', 'c'), t.admin)).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      message: `Account ${accountId} has reached its quota of 2 bundle objects`,
    });
    // Putting a key again replaces it: no more room is taken.
    expect(await ok(PUT, put('two.yaml', 'bigger'), t.admin)).toEqual({
      putBundleObject: { key: 'two.yaml', size: 6 },
    });
    expect(await count('bundle_objects', '"tenantId" = $1', [t.id])).toBe(2);
    // Another account has its own quota.
    const other = await createAccount(t, '555566668888');
    await ok(PUT, { input: { ...put('three.yaml', 'c').input, accountId: other } }, t.admin);
  });
});
