import { randomUUID } from 'node:crypto';
import {
  accountKey,
  CallOptions,
  createAccount,
  createTenant,
  fails,
  ok,
  TestTenant,
} from './test/client';

const CREATE_USER =
  'mutation($name: String!, $email: String!) { createUser(input: { name: $name, email: $email }) { id name email } }';
const CREATE_SPACE =
  'mutation($name: String!, $region: String!) { createSpace(input: { name: $name, region: $region }) { id name arn region tier members { user { id } role } } }';
const SPACE = 'query($id: ID!) { space(id: $id) { id name members { user { email } role } } }';
const ADD =
  'mutation($s: ID!, $u: ID!, $r: SpaceRole!) { addSpaceMember(input: { spaceId: $s, userId: $u, role: $r }) { id members { user { id } role } } }';
const UPDATE =
  'mutation($s: ID!, $u: ID!, $r: SpaceRole!) { updateSpaceMemberRole(input: { spaceId: $s, userId: $u, role: $r }) { id members { user { id } role } } }';
const REMOVE =
  'mutation($s: ID!, $u: ID!) { removeSpaceMember(input: { spaceId: $s, userId: $u }) { id members { user { id } } } }';

interface TestUser {
  id: string;
  key: CallOptions;
}

async function user(tenant: TestTenant, name: string): Promise<TestUser> {
  const created = await ok<{ createUser: { id: string } }>(
    CREATE_USER,
    { name, email: `${name}-${randomUUID().slice(0, 6)}@example.com` },
    tenant.admin,
  );
  const key = await ok<{ createApiKey: { key: string } }>(
    'mutation($u: ID) { createApiKey(input: { userId: $u }) { key apiKey { kind userId } } }',
    { u: created.createUser.id },
    tenant.admin,
  );
  return { id: created.createUser.id, key: { token: key.createApiKey.key } };
}

async function space(
  owner: TestUser,
  name = `space-${randomUUID().slice(0, 8)}`,
): Promise<{ id: string; arn: string }> {
  const data = await ok<{ createSpace: { id: string; arn: string } }>(
    CREATE_SPACE,
    { name, region: 'us-west-2' },
    owner.key,
  );
  return data.createSpace;
}

describe('CodeCatalyst users', () => {
  it('a tenant administrator creates users; emails are unique regardless of case', async () => {
    const tenant = await createTenant('cc');
    const data = await ok<{ createUser: { name: string; email: string } }>(
      CREATE_USER,
      { name: 'Ana', email: 'Ana@Example.com' },
      tenant.admin,
    );
    expect(data.createUser).toMatchObject({ name: 'Ana', email: 'Ana@Example.com' });
    expect(
      await fails(CREATE_USER, { name: 'Ana 2', email: 'ana@example.com' }, tenant.admin),
    ).toMatchObject({ code: 'CONFLICT' });
    expect(
      await fails(CREATE_USER, { name: 'Bo', email: 'not-an-email' }, tenant.admin),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    const account = await accountKey(tenant, await createAccount(tenant));
    expect(
      await fails(CREATE_USER, { name: 'Cy', email: 'cy@example.com' }, account),
    ).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a user key acts as that user', async () => {
    const tenant = await createTenant('cc');
    const ana = await user(tenant, 'ana');
    const me = await ok<{ me: { kind: string; user: { id: string } } }>(
      '{ me { kind user { id } account { accountId } } }',
      {},
      ana.key,
    );
    expect(me.me).toEqual({ kind: 'USER', user: { id: ana.id }, account: null });
    expect(
      await fails(
        'mutation { createApiKey(input: { userId: "00000000-0000-4000-8000-000000000000" }) { key } }',
        {},
        tenant.admin,
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('CodeCatalyst spaces and members', () => {
  it('a user creates a space in a CodeCatalyst region and becomes its Space administrator', async () => {
    const tenant = await createTenant('cc');
    const ana = await user(tenant, 'ana');
    const data = await ok<{ createSpace: Record<string, unknown> }>(
      CREATE_SPACE,
      { name: 'acme-space', region: 'eu-west-1' },
      ana.key,
    );
    const created = data.createSpace as { id: string };
    expect(data.createSpace).toEqual({
      id: created.id,
      name: 'acme-space',
      arn: `arn:aws:codecatalyst:::space/${created.id}`,
      region: 'eu-west-1',
      tier: 'FREE',
      members: [{ user: { id: ana.id }, role: 'SPACE_ADMINISTRATOR' }],
    });
    expect(
      await fails(CREATE_SPACE, { name: 'ACME-SPACE', region: 'eu-west-1' }, ana.key),
    ).toMatchObject({ code: 'CONFLICT' });
    expect(
      await fails(CREATE_SPACE, { name: 'other', region: 'us-east-1' }, ana.key),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'region' });
    expect(await fails(CREATE_SPACE, { name: 'x', region: 'us-west-2' }, ana.key)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'name',
    });
    expect(
      await fails(CREATE_SPACE, { name: 'by-admin', region: 'us-west-2' }, tenant.admin),
    ).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('only Space administrators manage members; non-members are told the space does not exist', async () => {
    const tenant = await createTenant('cc');
    const [ana, bo, cy] = [
      await user(tenant, 'ana'),
      await user(tenant, 'bo'),
      await user(tenant, 'cy'),
    ];
    const s = await space(ana);
    await ok(ADD, { s: s.id, u: bo.id, r: 'POWER_USER' }, ana.key);
    expect(await fails(ADD, { s: s.id, u: cy.id, r: 'LIMITED_ACCESS' }, bo.key)).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await fails(ADD, { s: s.id, u: cy.id, r: 'LIMITED_ACCESS' }, cy.key)).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await ok(SPACE, { id: s.id }, cy.key)).toEqual({ space: null });
    expect(await fails(ADD, { s: s.id, u: bo.id, r: 'LIMITED_ACCESS' }, ana.key)).toMatchObject({
      code: 'CONFLICT',
    });
    const seen = await ok<{ space: { members: { role: string }[] } }>(SPACE, { id: s.id }, bo.key);
    expect(seen.space.members.map((m) => m.role)).toEqual(['SPACE_ADMINISTRATOR', 'POWER_USER']);
    const mine = await ok<{ spaces: { edges: { node: { id: string } }[] } }>(
      '{ spaces { edges { node { id } } } }',
      {},
      cy.key,
    );
    expect(mine.spaces.edges).toEqual([]);
    const admins = await ok<{ spaces: { edges: unknown[] } }>(
      '{ spaces { edges { node { id } } } }',
      {},
      tenant.admin,
    );
    expect(admins.spaces.edges).toHaveLength(1);
  });

  it('a space always keeps at least one administrator', async () => {
    const tenant = await createTenant('cc');
    const [ana, bo] = [await user(tenant, 'ana'), await user(tenant, 'bo')];
    const s = await space(ana);
    expect(await fails(UPDATE, { s: s.id, u: ana.id, r: 'POWER_USER' }, ana.key)).toMatchObject({
      code: 'CONFLICT',
    });
    expect(await fails(REMOVE, { s: s.id, u: ana.id }, ana.key)).toMatchObject({
      code: 'CONFLICT',
    });
    await ok(ADD, { s: s.id, u: bo.id, r: 'SPACE_ADMINISTRATOR' }, ana.key);
    const demoted = await ok<{
      updateSpaceMemberRole: { members: { user: { id: string }; role: string }[] };
    }>(UPDATE, { s: s.id, u: ana.id, r: 'LIMITED_ACCESS' }, bo.key);
    expect(demoted.updateSpaceMemberRole.members.find((m) => m.user.id === ana.id)?.role).toBe(
      'LIMITED_ACCESS',
    );
    expect(await fails(REMOVE, { s: s.id, u: bo.id }, bo.key)).toMatchObject({ code: 'CONFLICT' });
  });

  it('two administrators demoting each other at once cannot leave the space without one', async () => {
    const tenant = await createTenant('cc');
    const [ana, bo] = [await user(tenant, 'ana'), await user(tenant, 'bo')];
    for (let round = 0; round < 3; round++) {
      const s = await space(ana);
      await ok(ADD, { s: s.id, u: bo.id, r: 'SPACE_ADMINISTRATOR' }, ana.key);
      const [a, b] = await Promise.all([
        fails(UPDATE, { s: s.id, u: bo.id, r: 'POWER_USER' }, ana.key).catch(() => null),
        fails(UPDATE, { s: s.id, u: ana.id, r: 'POWER_USER' }, bo.key).catch(() => null),
      ]);
      // Exactly one of the two calls failed (the other one returned data, so `fails` threw).
      const failures = [a, b].filter((r) => r !== null);
      expect(failures).toHaveLength(1);
      // The loser is refused either as no longer an administrator, or as the last administrator.
      expect(['FORBIDDEN', 'CONFLICT']).toContain(failures[0]?.code);
      const admins = await ok<{ space: { members: { role: string }[] } }>(
        SPACE,
        { id: s.id },
        tenant.admin,
      );
      expect(admins.space.members.filter((m) => m.role === 'SPACE_ADMINISTRATOR')).toHaveLength(1);
    }
  });

  it("another tenant's users never see the space", async () => {
    const tenant = await createTenant('cc');
    const other = await createTenant('cc');
    const s = await space(await user(tenant, 'ana'));
    const stranger = await user(other, 'zed');
    expect(await ok(SPACE, { id: s.id }, stranger.key)).toEqual({ space: null });
    expect(await ok(SPACE, { id: s.id }, other.admin)).toEqual({ space: null });
    expect(
      await fails(ADD, { s: s.id, u: stranger.id, r: 'LIMITED_ACCESS' }, stranger.key),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });
});
