import { randomUUID } from 'node:crypto';
import { accountKey, CallOptions, createAccount, createTenant, ok, TestTenant } from './client';

/** CodeCatalyst fixtures shared by the e2e specs. */
export const ACCOUNT = '111122223333';
export const REQUEST = `mutation($input: RequestAccountConnectionInput!) {
  requestAccountConnection(input: $input) { token connection { id arn spaceId accountId displayName description status paidTiersAuthorized verifiedAt expiresAt } } }`;
export const ACCEPT =
  'mutation($t: String!, $p: Boolean) { acceptAccountConnection(input: { token: $t, authorizePaidTiers: $p }) { id status paidTiersAuthorized verifiedAt history { from to actor reason } } }';

export interface World {
  tenant: TestTenant;
  admin: CallOptions;
  power: CallOptions;
  limited: CallOptions;
  outsider: CallOptions;
  /** User ids of the power user, the limited member and the outsider. */
  userIds: { power: string; limited: string; outsider: string };
  spaceId: string;
  account(region?: string): Promise<CallOptions>;
}

export async function newUser(
  tenant: TestTenant,
  name: string,
): Promise<{ id: string; key: CallOptions }> {
  const u = await ok<{ createUser: { id: string } }>(
    'mutation($n: String!, $e: String!) { createUser(input: { name: $n, email: $e }) { id } }',
    { n: name, e: `${name}-${randomUUID().slice(0, 6)}@example.com` },
    tenant.admin,
  );
  const k = await ok<{ createApiKey: { key: string } }>(
    'mutation($u: ID) { createApiKey(input: { userId: $u }) { key } }',
    { u: u.createUser.id },
    tenant.admin,
  );
  return { id: u.createUser.id, key: { token: k.createApiKey.key } };
}

/** A tenant with a space in us-west-2 (admin, power user, limited member, outsider) and the account. */
export async function world(): Promise<World> {
  const tenant = await createTenant('ccconn');
  await createAccount(tenant, ACCOUNT);
  const [admin, power, limited, outsider] = [
    await newUser(tenant, 'admin'),
    await newUser(tenant, 'power'),
    await newUser(tenant, 'limited'),
    await newUser(tenant, 'outsider'),
  ];
  const space = await ok<{ createSpace: { id: string } }>(
    'mutation { createSpace(input: { name: "partner-space", region: "us-west-2" }) { id } }',
    {},
    admin.key,
  );
  const spaceId = space.createSpace.id;
  const ADD =
    'mutation($s: ID!, $u: ID!, $r: SpaceRole!) { addSpaceMember(input: { spaceId: $s, userId: $u, role: $r }) { id } }';
  await ok(ADD, { s: spaceId, u: power.id, r: 'POWER_USER' }, admin.key);
  await ok(ADD, { s: spaceId, u: limited.id, r: 'LIMITED_ACCESS' }, admin.key);
  return {
    tenant,
    admin: admin.key,
    power: power.key,
    limited: limited.key,
    outsider: outsider.key,
    userIds: { power: power.id, limited: limited.id, outsider: outsider.id },
    spaceId,
    // A fresh account key each time, so the per-caller attempt limit of one test does not leak into another.
    account: async (region = 'us-west-2') => ({ ...(await accountKey(tenant, ACCOUNT)), region }),
  };
}

export async function request(
  w: World,
  by: CallOptions = w.admin,
): Promise<{ token: string; id: string }> {
  const data = await ok<{
    requestAccountConnection: { token: string; connection: { id: string } };
  }>(
    REQUEST,
    {
      input: {
        spaceId: w.spaceId,
        accountId: ACCOUNT,
        displayName: 'Production',
        description: 'prod workloads',
      },
    },
    by,
  );
  return {
    token: data.requestAccountConnection.token,
    id: data.requestAccountConnection.connection.id,
  };
}
