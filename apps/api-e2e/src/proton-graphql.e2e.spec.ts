import { CreateEnvironmentAccountConnectionCommand } from '@aws-sdk/client-proton';
import { accountKey, createAccount, fails, ok, subscribe } from './test/client';
import { ENV, MGMT, protonWorld, ProtonWorld, SEED_ROLE, waitUntil } from './test/proton';

const FIELDS =
  'id arn region environmentAccountId managementAccountId environmentName roleArn codebuildRoleArn componentRoleArn status requestedAt lastModifiedAt';
const CREATE = `mutation($input: CreateEnvironmentAccountConnectionInput!) { createEnvironmentAccountConnection(input: $input) { ${FIELDS} tags { key value } } }`;
const ACCEPT = `mutation($id: ID!) { acceptEnvironmentAccountConnection(id: $id) { ${FIELDS} } }`;
const REJECT = `mutation($id: ID!) { rejectEnvironmentAccountConnection(id: $id) { ${FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteEnvironmentAccountConnection(id: $id) { ${FIELDS} } }`;
const UPDATE = `mutation($input: UpdateEnvironmentAccountConnectionInput!) { updateEnvironmentAccountConnection(input: $input) { ${FIELDS} } }`;
const GET = `query($id: ID!) { environmentAccountConnection(id: $id) { ${FIELDS} tags { key value } roleValidation { roleArn kind status reason checkedAt } history { at actor from to reason } } }`;
const LIST = `query($by: RequesterAccountType!, $statuses: [EnvironmentAccountConnectionStatus!], $first: Int, $after: String) {
  environmentAccountConnections(requestedBy: $by, statuses: $statuses, first: $first, after: $after) {
    edges { node { id environmentName status history { to } roleValidation { status } } } pageInfo { hasNextPage endCursor } } }`;

interface Conn {
  id: string;
  arn: string;
  status: string;
  tags: { key: string; value: string }[];
  roleValidation: {
    roleArn: string;
    kind: string;
    status: string;
    reason: string | null;
    checkedAt: string | null;
  }[];
  history: { actor: string; from: string | null; to: string; reason: string }[];
}

async function createConnection(
  world: ProtonWorld,
  environmentName: string,
  extra: Record<string, unknown> = {},
): Promise<Conn> {
  const data = await ok<{ createEnvironmentAccountConnection: Conn }>(
    CREATE,
    { input: { environmentName, managementAccountId: MGMT, roleArn: SEED_ROLE, ...extra } },
    world.gql[ENV],
  );
  return data.createEnvironmentAccountConnection;
}

describe('Proton connections over GraphQL', () => {
  let world: ProtonWorld;

  beforeAll(async () => {
    world = await protonWorld();
  });

  it('creates, validates, accepts and records every transition in history', async () => {
    const c = await createConnection(world, 'gql-flow', {
      tags: [{ key: 'team', value: 'platform' }],
    });
    expect(c).toMatchObject({
      status: 'PENDING',
      region: 'us-east-1',
      tags: [{ key: 'team', value: 'platform' }],
    });
    await waitUntil(
      async () =>
        (await ok<{ environmentAccountConnection: Conn }>(GET, { id: c.id }, world.gql[MGMT]))
          .environmentAccountConnection.roleValidation[0]?.status === 'VALID',
      'VALID',
    );
    await ok(ACCEPT, { id: c.id }, world.gql[MGMT]);
    const seen = (
      await ok<{ environmentAccountConnection: Conn }>(GET, { id: c.id }, world.gql[MGMT])
    ).environmentAccountConnection;
    expect(seen.status).toBe('CONNECTED');
    expect(seen.roleValidation).toEqual([
      {
        roleArn: SEED_ROLE,
        kind: 'ROLE',
        status: 'VALID',
        reason: null,
        checkedAt: expect.any(String),
      },
    ]);
    expect(seen.history.map((h) => [h.from, h.to, h.actor])).toEqual([
      [null, 'PENDING', `account:${ENV}`],
      ['PENDING', 'CONNECTED', `account:${MGMT}`],
    ]);
    // Tags are the environment account's: the management account sees none.
    expect(seen.tags).toEqual([]);
    const fromEnv = (
      await ok<{ environmentAccountConnection: Conn }>(GET, { id: c.id }, world.gql[ENV])
    ).environmentAccountConnection;
    expect(fromEnv.tags).toEqual([{ key: 'team', value: 'platform' }]);
  });

  it('maps the rules to GraphQL codes', async () => {
    const c = await createConnection(world, 'gql-codes');
    expect(await fails(ACCEPT, { id: c.id }, world.gql[ENV])).toMatchObject({ code: 'FORBIDDEN' });
    expect(await fails(ACCEPT, { id: c.id }, world.gql['123456789333'])).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await fails(ACCEPT, { id: c.id }, world.tenant.admin)).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      await fails(
        CREATE,
        { input: { environmentName: 'x y', managementAccountId: MGMT, roleArn: SEED_ROLE } },
        world.gql[ENV],
      ),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'environmentName',
    });
    expect(
      await fails(
        CREATE,
        { input: { environmentName: 'gql-codes', managementAccountId: MGMT, roleArn: SEED_ROLE } },
        world.gql[ENV],
      ),
    ).toMatchObject({ code: 'CONFLICT' });
    await ok(REJECT, { id: c.id }, world.gql[MGMT]);
    expect(await fails(ACCEPT, { id: c.id }, world.gql[MGMT])).toMatchObject({ code: 'CONFLICT' });
    expect(
      await fails(UPDATE, { input: { id: c.id, roleArn: SEED_ROLE } }, world.gql[ENV]),
    ).toMatchObject({ code: 'CONFLICT' });
    const deleted = await ok<{ deleteEnvironmentAccountConnection: Conn }>(
      DELETE,
      { id: c.id },
      world.gql[ENV],
    );
    expect(deleted.deleteEnvironmentAccountConnection.status).toBe('REJECTED');
    expect(await ok(GET, { id: c.id }, world.gql[ENV])).toEqual({
      environmentAccountConnection: null,
    });
    expect(await fails(GET, { id: c.id }, { ...world.gql[ENV], region: 'moon-1' })).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
  });

  it('lists with keyset pagination, loading validation and history for the page in batches', async () => {
    const w = await protonWorld();
    for (const name of ['l1', 'l2', 'l3']) {
      await createConnection(w, name);
    }
    type Page = {
      environmentAccountConnections: {
        edges: { node: Conn & { environmentName: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const first = await ok<Page>(LIST, { by: 'MANAGEMENT_ACCOUNT', first: 2 }, w.gql[MGMT]);
    expect(first.environmentAccountConnections.edges.map((e) => e.node.environmentName)).toEqual([
      'l1',
      'l2',
    ]);
    expect(
      first.environmentAccountConnections.edges.every(
        (e) => e.node.history.length === 1 && e.node.roleValidation.length === 1,
      ),
    ).toBe(true);
    const second = await ok<Page>(
      LIST,
      {
        by: 'MANAGEMENT_ACCOUNT',
        first: 2,
        after: first.environmentAccountConnections.pageInfo.endCursor,
      },
      w.gql[MGMT],
    );
    expect(second.environmentAccountConnections.edges.map((e) => e.node.environmentName)).toEqual([
      'l3',
    ]);
    expect(second.environmentAccountConnections.pageInfo.hasNextPage).toBe(false);
    // A cursor of the management list is not valid for the environment list.
    expect(
      await fails(
        LIST,
        {
          by: 'ENVIRONMENT_ACCOUNT',
          first: 2,
          after: first.environmentAccountConnections.pageInfo.endCursor,
        },
        w.gql[MGMT],
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('updates roles and tags through GraphQL', async () => {
    const c = await createConnection(world, 'gql-update');
    const updated = await ok<{ updateEnvironmentAccountConnection: { codebuildRoleArn: string } }>(
      UPDATE,
      { input: { id: c.id, codebuildRoleArn: `arn:aws:iam::${ENV}:role/codebuild-role` } },
      world.gql[ENV],
    );
    expect(updated.updateEnvironmentAccountConnection.codebuildRoleArn).toBe(
      `arn:aws:iam::${ENV}:role/codebuild-role`,
    );
    const tagged = await ok<{ tagResource: { key: string }[] }>(
      'mutation($arn: String!) { tagResource(input: { resourceArn: $arn, tags: [{ key: "env", value: "prod" }] }) { key value } }',
      { arn: c.arn },
      world.gql[ENV],
    );
    expect(tagged.tagResource).toEqual([{ key: 'env', value: 'prod' }]);
    const untagged = await ok<{ untagResource: unknown[] }>(
      'mutation($arn: String!) { untagResource(input: { resourceArn: $arn, tagKeys: ["env"] }) { key } }',
      { arn: c.arn },
      world.gql[ENV],
    );
    expect(untagged.untagResource).toEqual([]);
    expect(
      await fails(
        'query($arn: String!) { tagsForResource(resourceArn: $arn) { key } }',
        { arn: c.arn },
        world.gql[MGMT],
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('environmentAccountConnectionChanged subscription', () => {
  it('delivers every change to both accounts and tenant admins, and to nobody else', async () => {
    const world = await protonWorld();
    const stranger = await protonWorld();
    const third = await accountKey(world.tenant, await createAccount(world.tenant, '123456789444'));
    const QUERY =
      'subscription { environmentAccountConnectionChanged { id status environmentName history { to } } }';
    type Event = {
      environmentAccountConnectionChanged: {
        id: string;
        status: string;
        history: { to: string }[];
      };
    };
    const subs = {
      env: await subscribe<Event>(world.gql[ENV] as object, QUERY),
      mgmt: await subscribe<Event>(world.gql[MGMT] as object, QUERY),
      admin: await subscribe<Event>(world.tenant.admin, QUERY),
      third: await subscribe<Event>(third, QUERY),
      otherRegion: await subscribe<Event>({ ...world.gql[MGMT], region: 'eu-west-1' }, QUERY),
      otherTenant: await subscribe<Event>(stranger.tenant.admin, QUERY),
      otherTenantSameAccount: await subscribe<Event>(stranger.gql[MGMT] as object, QUERY),
    };
    try {
      const created = await world.client(ENV).send(
        new CreateEnvironmentAccountConnectionCommand({
          environmentName: 'live',
          managementAccountId: MGMT,
          roleArn: SEED_ROLE,
        }),
      );
      const id = created.environmentAccountConnection?.id as string;
      await ok(ACCEPT, { id }, world.gql[MGMT]);
      for (const sub of [subs.env, subs.mgmt, subs.admin]) {
        const statuses = () =>
          sub.received
            .map((e) => e.environmentAccountConnectionChanged)
            .filter((e) => e.id === id)
            .map((e) => e.status);
        await waitUntil(async () => statuses().includes('CONNECTED'), 'the CONNECTED event');
        // Creation first; the role validation result (still PENDING) may come in between.
        expect(statuses()[0]).toBe('PENDING');
        expect(statuses().at(-1)).toBe('CONNECTED');
      }
      const last = subs.mgmt.received.find(
        (e) => e.environmentAccountConnectionChanged.status === 'CONNECTED',
      )?.environmentAccountConnectionChanged;
      expect(last?.history.map((h) => h.to)).toEqual(['PENDING', 'CONNECTED']);
      await new Promise((r) => setTimeout(r, 500));
      for (const sub of [
        subs.third,
        subs.otherRegion,
        subs.otherTenant,
        subs.otherTenantSameAccount,
      ]) {
        expect(sub.received).toEqual([]);
      }
    } finally {
      await Promise.all(Object.values(subs).map((s) => s.close()));
    }
  });
});
