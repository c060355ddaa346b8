import {
  accountKey,
  createAccount,
  createRole,
  createTenant,
  fails,
  ok,
  TestTenant,
  trustPolicy,
} from './test/client';
import { count } from './test/db';

const CREATE =
  'mutation($input: CreateRoleInput!) { createRole(input: $input) { arn roleName path accountId assumeRolePolicyDocument createdAt } }';
const UPDATE =
  'mutation($input: UpdateAssumeRolePolicyInput!) { updateAssumeRolePolicy(input: $input) { arn assumeRolePolicyDocument } }';
const DELETE = 'mutation($input: DeleteRoleInput!) { deleteRole(input: $input) { arn } }';
const ROLES =
  'query($id: String!, $first: Int, $after: String) { roles(accountId: $id, first: $first, after: $after) { edges { node { roleName arn } } pageInfo { hasNextPage endCursor } } }';

describe('roles', () => {
  let tenant: TestTenant;
  let accountId: string;

  beforeAll(async () => {
    tenant = await createTenant();
    accountId = await createAccount(tenant, '222222222222');
  });

  it('creates a role with its IAM ARN, path and policy', async () => {
    const policy = trustPolicy('proton.amazonaws.com', '111111111111');
    const data = await ok<{ createRole: Record<string, string> }>(
      CREATE,
      {
        input: {
          accountId,
          roleName: 'ProtonServiceRole',
          path: '/service-role/',
          assumeRolePolicyDocument: policy,
        },
      },
      tenant.admin,
    );
    expect(data.createRole).toMatchObject({
      arn: 'arn:aws:iam::222222222222:role/service-role/ProtonServiceRole',
      roleName: 'ProtonServiceRole',
      path: '/service-role/',
      accountId,
      assumeRolePolicyDocument: policy,
    });
  });

  it('updates the trust policy and deletes the role', async () => {
    await createRole(tenant, accountId, 'Changeable');
    const next = trustPolicy('codebuild.amazonaws.com');
    const updated = await ok<{ updateAssumeRolePolicy: { assumeRolePolicyDocument: string } }>(
      UPDATE,
      { input: { accountId, roleName: 'changeable', policyDocument: next } },
      tenant.admin,
    );
    expect(updated.updateAssumeRolePolicy.assumeRolePolicyDocument).toBe(next);
    await ok(DELETE, { input: { accountId, roleName: 'Changeable' } }, tenant.admin);
    expect(
      await count('roles', '"tenantId" = $1 AND "roleNameKey" = $2', [tenant.id, 'changeable']),
    ).toBe(0);
    expect(
      await fails(DELETE, { input: { accountId, roleName: 'Changeable' } }, tenant.admin),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses bad names, paths and policies with the field named, writing nothing', async () => {
    const before = await count('roles', '"tenantId" = $1', [tenant.id]);
    const eventsBefore = await count('outbox_events', '"tenantId" = $1', [tenant.id]);
    const good = trustPolicy('proton.amazonaws.com');
    const cases: [Record<string, unknown>, string][] = [
      [{ roleName: 'bad name' }, 'roleName'],
      [{ roleName: 'x'.repeat(65) }, 'roleName'],
      [{ roleName: '' }, 'roleName'],
      [{ path: 'no-slashes' }, 'path'],
      [{ path: '/a b/' }, 'path'],
      [{ path: `/${'p'.repeat(511)}/` }, 'path'],
      [{ assumeRolePolicyDocument: '{not json' }, 'assumeRolePolicyDocument'],
      [
        { assumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' },
        'assumeRolePolicyDocument',
      ],
      [
        {
          assumeRolePolicyDocument:
            '{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"sts:AssumeRole"}]}',
        },
        'assumeRolePolicyDocument',
      ],
      [
        {
          assumeRolePolicyDocument: JSON.stringify({
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'a'.repeat(2100) },
                Action: 'sts:AssumeRole',
              },
            ],
          }),
        },
        'assumeRolePolicyDocument',
      ],
    ];
    for (const [override, field] of cases) {
      const input = { accountId, roleName: 'Valid', assumeRolePolicyDocument: good, ...override };
      const error = await fails(CREATE, { input }, tenant.admin);
      expect({ code: error.code, field: error.field }).toEqual({ code: 'BAD_USER_INPUT', field });
    }
    expect(
      await fails(
        CREATE,
        { input: { accountId: '12345', roleName: 'Valid', assumeRolePolicyDocument: good } },
        tenant.admin,
      ),
    ).toMatchObject({ field: 'accountId' });
    expect(
      await fails(
        CREATE,
        { input: { accountId: '999999999999', roleName: 'Valid', assumeRolePolicyDocument: good } },
        tenant.admin,
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(await count('roles', '"tenantId" = $1', [tenant.id])).toBe(before);
    expect(await count('outbox_events', '"tenantId" = $1', [tenant.id])).toBe(eventsBefore);
  });

  it('names are unique regardless of case, like IAM', async () => {
    await createRole(tenant, accountId, 'Deployer');
    const error = await fails(
      CREATE,
      {
        input: {
          accountId,
          roleName: 'DEPLOYER',
          assumeRolePolicyDocument: trustPolicy('proton.amazonaws.com'),
        },
      },
      tenant.admin,
    );
    expect(error).toMatchObject({ code: 'CONFLICT' });
    expect(error.message).toContain('DEPLOYER');
  });

  it('an account principal reads its own roles only, and changes none', async () => {
    const own = await accountKey(tenant, accountId);
    const listed = await ok<{ roles: { edges: { node: { roleName: string } }[] } }>(
      ROLES,
      { id: accountId },
      own,
    );
    expect(listed.roles.edges.length).toBeGreaterThan(0);
    const other = await createAccount(tenant);
    expect((await fails(ROLES, { id: other }, own)).code).toBe('FORBIDDEN');
    expect(
      (
        await fails(
          CREATE,
          {
            input: {
              accountId,
              roleName: 'Mine',
              assumeRolePolicyDocument: trustPolicy('proton.amazonaws.com'),
            },
          },
          own,
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect((await fails(DELETE, { input: { accountId, roleName: 'Deployer' } }, own)).code).toBe(
      'FORBIDDEN',
    );
  });

  it('pages through roles in name order', async () => {
    const t = await createTenant();
    const a = await createAccount(t);
    for (const name of ['Charlie', 'alpha', 'Bravo', 'delta']) {
      await createRole(t, a, name);
    }
    type Page = {
      roles: {
        edges: { node: { roleName: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const first = await ok<Page>(ROLES, { id: a, first: 3 }, t.admin);
    expect(first.roles.edges.map((e) => e.node.roleName)).toEqual(['alpha', 'Bravo', 'Charlie']);
    expect(first.roles.pageInfo.hasNextPage).toBe(true);
    const second = await ok<Page>(
      ROLES,
      { id: a, first: 3, after: first.roles.pageInfo.endCursor },
      t.admin,
    );
    expect(second.roles.edges.map((e) => e.node.roleName)).toEqual(['delta']);
    expect(second.roles.pageInfo.hasNextPage).toBe(false);
  });
});
