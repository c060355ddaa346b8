import { ListEnvironmentAccountConnectionsCommand, ProtonClient } from '@aws-sdk/client-proton';
import { apiUrl, createAccount, createTenant, fails, gql, ok, TestTenant } from './test/client';
import { count, ownerPool } from './test/db';

const CREATE_WORLD = `mutation($input: CreateWorldInput!) { createWorld(input: $input) {
  accountsCreated accountsExisting rolesCreated apiKeysCreated accessKeysCreated
  credentials { worldId downloadToken path expiresAt } } }`;

interface World {
  accountsCreated: number;
  accountsExisting: number;
  rolesCreated: number;
  apiKeysCreated: number;
  accessKeysCreated: number;
  credentials: { worldId: string; downloadToken: string; path: string; expiresAt: string } | null;
}

interface Line {
  accountId: string;
  apiKey?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

const PROTON_ROLE = {
  roleName: 'ProtonServiceRole',
  path: '/service-role/',
  assumeRolePolicyDocument: JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'proton.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '{managementAccountId}' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:proton:*:{managementAccountId}:environment/*' },
        },
      },
    ],
  }),
};

async function createWorld(tenant: TestTenant, input: Record<string, unknown>): Promise<World> {
  return (await ok<{ createWorld: World }>(CREATE_WORLD, { input }, tenant.admin)).createWorld;
}

function download(
  tenant: TestTenant,
  credentials: { worldId: string; downloadToken: string },
  token = credentials.downloadToken,
) {
  return fetch(`${apiUrl()}/worlds/${credentials.worldId}/credentials`, {
    headers: { authorization: `Bearer ${tenant.admin.token}`, 'x-download-token': token },
  });
}

const rows = (table: string, tenant: TestTenant) => count(table, '"tenantId" = $1', [tenant.id]);

describe('bulk worlds (createWorld)', () => {
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTenant('world');
  });

  it('creates accounts with roles whose policies name them, keys that work, downloadable once', async () => {
    const world = await createWorld(tenant, {
      firstAccountId: '300000000000',
      count: 1200,
      managementAccountId: '399999999999',
      roles: [PROTON_ROLE, { ...PROTON_ROLE, roleName: 'Second', path: null }],
      apiKeys: true,
      accessKeys: true,
    });
    expect(world).toMatchObject({
      accountsCreated: 1200,
      accountsExisting: 0,
      rolesCreated: 2400,
      apiKeysCreated: 1200,
      accessKeysCreated: 1200,
    });
    expect(world.credentials?.path).toBe(`/worlds/${world.credentials?.worldId}/credentials`);
    expect(await rows('accounts', tenant)).toBe(1200);
    expect(await rows('roles', tenant)).toBe(2400);
    // One event a batch (500, 500, 200 accounts), naming its accounts and roles.
    const { rows: events } = await ownerPool.query<{
      payload: { batch: number; accountIds: string[]; roleNames: string[] };
    }>(
      `SELECT payload FROM outbox_events WHERE "tenantId" = $1 AND type = 'iam.world.batch-created' ORDER BY id`,
      [tenant.id],
    );
    expect(events.map((e) => [e.payload.batch, e.payload.accountIds.length])).toEqual([
      [0, 500],
      [1, 500],
      [2, 200],
    ]);
    expect(events[0].payload.roleNames).toEqual(['ProtonServiceRole', 'Second']);
    expect(
      await count('outbox_events', `"tenantId" = $1 AND type = 'iam.role.created'`, [tenant.id]),
    ).toBe(0);

    const role = await ok<{
      role: { arn: string; path: string; assumeRolePolicyDocument: string };
    }>(
      'query { role(accountId: "300000000007", roleName: "ProtonServiceRole") { arn path assumeRolePolicyDocument } }',
      {},
      tenant.admin,
    );
    expect(role.role.arn).toBe('arn:aws:iam::300000000007:role/service-role/ProtonServiceRole');
    expect(JSON.parse(role.role.assumeRolePolicyDocument).Statement[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '399999999999' },
      ArnLike: { 'aws:SourceArn': 'arn:aws:proton:*:399999999999:environment/*' },
    });

    // A wrong token reads nothing and removes nothing.
    const wrong = await download(
      tenant,
      world.credentials!,
      Buffer.alloc(32, 7).toString('base64url'),
    );
    expect(wrong.status).toBe(404);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    // Another tenant's administrator, with the right token, gets the same answer.
    const other = await createTenant('world-other');
    expect((await download(other, world.credentials!)).status).toBe(404);

    const res = await download(tenant, world.credentials!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    expect(lines).toHaveLength(1200);
    expect(lines[0].accountId).toBe('300000000000');
    expect(lines[1199].accountId).toBe('300000001199');
    expect(new Set(lines.map((l) => l.apiKey)).size).toBe(1200);
    // Once: the second download finds nothing.
    expect((await download(tenant, world.credentials!)).status).toBe(404);
    expect(await rows('world_credentials', tenant)).toBe(0);

    // The API key acts as its account; the access key signs AWS calls as its account.
    const sample = lines[42];
    const me = await ok<{ me: { kind: string; account: { accountId: string } } }>(
      '{ me { kind account { accountId } } }',
      {},
      { token: sample.apiKey },
    );
    expect(me.me).toEqual({ kind: 'ACCOUNT', account: { accountId: sample.accountId } });
    const proton = new ProtonClient({
      endpoint: apiUrl(),
      region: 'us-east-1',
      credentials: { accessKeyId: sample.accessKeyId!, secretAccessKey: sample.secretAccessKey! },
    });
    const listed = await proton.send(
      new ListEnvironmentAccountConnectionsCommand({ requestedBy: 'ENVIRONMENT_ACCOUNT' }),
    );
    expect(listed.environmentAccountConnections).toEqual([]);
  });

  it('is idempotent by account id: applying the world again creates nothing and mints no key', async () => {
    const t = await createTenant('world-again');
    await createAccount(t, '500000000001');
    const input = {
      accountIds: ['500000000000', '500000000001', '500000000002'],
      roles: [{ roleName: 'R', assumeRolePolicyDocument: PROTON_ROLE.assumeRolePolicyDocument }],
      managementAccountId: '599999999999',
      apiKeys: true,
    };
    // Given in any order, written in account id order.
    const first = await createWorld(t, { ...input, accountIds: [...input.accountIds].reverse() });
    expect(first).toMatchObject({
      accountsCreated: 2,
      accountsExisting: 1,
      rolesCreated: 2,
      apiKeysCreated: 2,
    });
    // The account that was there already got nothing.
    expect(await count('roles', `"tenantId" = $1 AND "accountId" = '500000000001'`, [t.id])).toBe(
      0,
    );
    const again = await createWorld(t, input);
    expect(again).toEqual({
      accountsCreated: 0,
      accountsExisting: 3,
      rolesCreated: 0,
      apiKeysCreated: 0,
      accessKeysCreated: 0,
      credentials: null,
    });
    // The tenant administrator's key and the first call's two.
    expect(await rows('api_keys', t)).toBe(1 + 2);
    expect(await rows('roles', t)).toBe(2);
  });

  it('refuses bad input naming the field, writing nothing', async () => {
    const t = await createTenant('world-bad');
    const refused = async (input: Record<string, unknown>) => {
      const error = await fails(CREATE_WORLD, { input }, t.admin);
      expect(await rows('accounts', t)).toBe(0);
      return error;
    };
    expect(await refused({ accountIds: ['600000000000', '6000'] })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'accountIds[1]',
    });
    expect(await refused({ accountIds: ['600000000000', '600000000000'] })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'accountIds[1]',
    });
    expect(
      await refused({ accountIds: ['600000000000'], firstAccountId: '600000000000', count: 2 }),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'accountIds',
    });
    expect(await refused({ firstAccountId: '999999999999', count: 2 })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'count',
    });
    expect(
      await refused({ firstAccountId: '600000000000', count: 3, roles: [PROTON_ROLE] }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roles[0].assumeRolePolicyDocument' });
    expect(
      await refused({
        firstAccountId: '600000000000',
        count: 3,
        roles: [{ roleName: 'R', assumeRolePolicyDocument: '{"Version":' }],
      }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roles[0].assumeRolePolicyDocument' });
    expect(
      await refused({
        firstAccountId: '600000000000',
        count: 3,
        roles: Array.from({ length: 11 }, (_, i) => ({ ...PROTON_ROLE, roleName: `R${i}` })),
        managementAccountId: '699999999999',
      }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roles' });
    expect(
      await refused({
        firstAccountId: '600000000000',
        count: 3,
        roles: [{ ...PROTON_ROLE, roleName: 'bad name!' }],
        managementAccountId: '699999999999',
      }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roles[0].roleName' });
    // A template is written once per account: its size as written is bounded.
    expect(
      await refused({
        firstAccountId: '600000000000',
        count: 3,
        roles: [
          {
            roleName: 'Spacious',
            assumeRolePolicyDocument: `${' '.repeat(10_240)}${PROTON_ROLE.assumeRolePolicyDocument}`,
          },
        ],
        managementAccountId: '699999999999',
      }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roles[0].assumeRolePolicyDocument' });
    // No more roles than the tenant's roleQuota lets an account hold.
    await ok(
      'mutation { updateTenantSettings(input: { roleQuota: 1 }) { roleQuota } }',
      {},
      t.admin,
    );
    expect(
      await refused({
        firstAccountId: '600000000000',
        count: 3,
        roles: [PROTON_ROLE, { ...PROTON_ROLE, roleName: 'Second' }],
        managementAccountId: '699999999999',
      }),
    ).toMatchObject({ code: 'QUOTA_EXCEEDED' });
  });

  it('holds one call to the tenant limit, which the tenant may raise', async () => {
    const t = await createTenant('world-limit');
    await ok(
      'mutation { updateTenantSettings(input: { worldAccountLimit: 5 }) { worldAccountLimit } }',
      {},
      t.admin,
    );
    const over = await gql(
      CREATE_WORLD,
      { input: { firstAccountId: '700000000000', count: 6 } },
      t.admin,
    );
    expect(over.errors?.[0].extensions).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      limit: 'worldAccountLimit',
      max: 5,
      actual: 6,
    });
    expect(await rows('accounts', t)).toBe(0);
    // A range is measured before its ids are listed: two billion is refused at once.
    expect(
      await fails(
        CREATE_WORLD,
        { input: { firstAccountId: '100000000000', count: 2_000_000_000 } },
        t.admin,
      ),
    ).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expect(await createWorld(t, { firstAccountId: '700000000000', count: 5 })).toMatchObject({
      accountsCreated: 5,
    });
    expect(
      await fails(
        'mutation { updateTenantSettings(input: { worldAccountLimit: 100001 }) { worldAccountLimit } }',
        {},
        t.admin,
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('is for tenant administrators only', async () => {
    const t = await createTenant('world-who');
    await createAccount(t, '800000000000');
    const key = await ok<{ createApiKey: { key: string } }>(
      'mutation { createApiKey(input: { accountId: "800000000000" }) { key } }',
      {},
      t.admin,
    );
    expect(
      await fails(
        CREATE_WORLD,
        { input: { firstAccountId: '800000000001', count: 1 } },
        { token: key.createApiKey.key },
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    const anonymous = await fetch(
      `${apiUrl()}/worlds/00000000-0000-0000-0000-000000000000/credentials`,
    );
    expect(anonymous.status).toBe(401);
    // A world id that is not a UUID is simply not found.
    const malformed = await download(t, { worldId: '-'.repeat(36), downloadToken: 'x' });
    expect(malformed.status).toBe(404);
    expect(await rows('accounts', t)).toBe(1);
  });
});
