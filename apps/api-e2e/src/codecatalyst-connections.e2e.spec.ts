import { randomUUID } from 'node:crypto';
import {
  accountKey,
  CallOptions,
  createAccount,
  createTenant,
  fails,
  ok,
  subscribe,
} from './test/client';
import { ACCEPT, ACCOUNT, REQUEST, request, World, world } from './test/codecatalyst';
import { count, expireDueConnections, ownerPool } from './test/db';
import { waitUntil } from './test/proton';

const PENDING =
  'query($t: String!) { pendingAccountConnection(token: $t) { spaceName displayName description accountId expiresAt } }';
const REJECT =
  'mutation($t: String!) { rejectAccountConnection(input: { token: $t }) { id status } }';
const GET =
  'query($id: ID!) { accountConnection(id: $id) { id status history { from to reason } } }';
const LIST =
  'query($s: ID) { accountConnections(spaceId: $s) { edges { node { id status accountId } } } }';
const LIST_PENDING =
  'query($s: ID!) { pendingAccountConnections(spaceId: $s) { edges { node { id status } } } }';

const NOT_FOUND = {
  code: 'NOT_FOUND',
  message: 'No pending account connection matches this token',
};

describe('CodeCatalyst account connections: request, look up, verify', () => {
  it('runs the happy path: request → look up → verify with paid tiers → listed on both sides', async () => {
    const w = await world();
    const requested = await ok<{
      requestAccountConnection: { token: string; connection: Record<string, unknown> };
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
      w.admin,
    );
    const { token, connection } = requested.requestAccountConnection;
    expect(token).toMatch(/^cct_[A-Za-z0-9_-]{43}$/);
    expect(connection).toMatchObject({
      spaceId: w.spaceId,
      accountId: ACCOUNT,
      status: 'PENDING_VERIFICATION',
      paidTiersAuthorized: false,
      verifiedAt: null,
    });
    expect(connection.arn).toBe(
      `arn:aws:codecatalyst:us-west-2:${ACCOUNT}:/connections/${connection.id}`,
    );
    const expiresIn = new Date(connection.expiresAt as string).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(23 * 3600_000);
    expect(expiresIn).toBeLessThanOrEqual(24 * 3600_000);
    // Only the hash is stored.
    expect(await count('account_connections', '"tokenHash" = $1', [token])).toBe(0);

    const account = await w.account();
    const pending = await ok<{ pendingAccountConnection: Record<string, unknown> }>(
      PENDING,
      { t: token },
      account,
    );
    expect(pending.pendingAccountConnection).toEqual({
      spaceName: 'partner-space',
      displayName: 'Production',
      description: 'prod workloads',
      accountId: ACCOUNT,
      expiresAt: connection.expiresAt,
    });

    const listedPending = await ok<{
      pendingAccountConnections: { edges: { node: { id: string } }[] };
    }>(LIST_PENDING, { s: w.spaceId }, w.power);
    expect(listedPending.pendingAccountConnections.edges.map((e) => e.node.id)).toEqual([
      connection.id,
    ]);

    const accepted = await ok<{
      acceptAccountConnection: {
        status: string;
        paidTiersAuthorized: boolean;
        history: { from: string | null; to: string }[];
      };
    }>(ACCEPT, { t: token, p: true }, account);
    expect(accepted.acceptAccountConnection).toMatchObject({
      status: 'VERIFIED',
      paidTiersAuthorized: true,
    });
    expect(accepted.acceptAccountConnection.history.map((h) => [h.from, h.to])).toEqual([
      [null, 'PENDING_VERIFICATION'],
      ['PENDING_VERIFICATION', 'VERIFIED'],
    ]);

    const spaceSide = await ok<{
      accountConnections: { edges: { node: { id: string; status: string } }[] };
    }>(LIST, { s: w.spaceId }, w.limited);
    expect(spaceSide.accountConnections.edges.map((e) => e.node)).toEqual([
      { id: connection.id, status: 'VERIFIED', accountId: ACCOUNT },
    ]);
    const accountSide = await ok<{ accountConnections: { edges: { node: { id: string } }[] } }>(
      LIST,
      {},
      account,
    );
    expect(accountSide.accountConnections.edges.map((e) => e.node.id)).toEqual([connection.id]);
    expect(
      (
        await ok<{ pendingAccountConnections: { edges: unknown[] } }>(
          LIST_PENDING,
          { s: w.spaceId },
          w.admin,
        )
      ).pendingAccountConnections.edges,
    ).toEqual([]);
  });

  it('lets administrators and power users request; limited access is forbidden; outsiders are told nothing exists', async () => {
    const w = await world();
    await request(w, w.power);
    const input = { input: { spaceId: w.spaceId, accountId: ACCOUNT, displayName: 'x' } };
    expect(await fails(REQUEST, input, w.limited)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await fails(REQUEST, input, w.outsider)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await fails(LIST_PENDING, { s: w.spaceId }, w.limited)).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      await fails(REQUEST, { input: { ...input.input, accountId: '999999999999' } }, w.admin),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await fails(REQUEST, { input: { ...input.input, accountId: '12' } }, w.admin),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'accountId' });
  });

  it('refuses a second connection of an account already connected to the space', async () => {
    const w = await world();
    const { token } = await request(w);
    await ok(ACCEPT, { t: token }, await w.account());
    expect(
      await fails(
        REQUEST,
        { input: { spaceId: w.spaceId, accountId: ACCOUNT, displayName: 'again' } },
        w.admin,
      ),
    ).toMatchObject({ code: 'CONFLICT' });
  });

  it('answers every non-matching token the same way: unknown, replayed, replaced, expired, wrong account, wrong region, other tenant', async () => {
    const attempts: [string, string, CallOptions][] = [];

    const used = await world();
    const spent = await request(used);
    await ok(ACCEPT, { t: spent.token }, await used.account());
    attempts.push(['unknown', `cct_${'A'.repeat(43)}`, await used.account()]);
    attempts.push(['replayed', spent.token, await used.account()]);

    const w = await world();
    const replaced = await request(w);
    const fresh = await request(w);
    const old = await ok<{ accountConnection: { status: string; history: { reason: string }[] } }>(
      GET,
      { id: replaced.id },
      w.admin,
    );
    expect(old.accountConnection.status).toBe('EXPIRED');
    expect(old.accountConnection.history.at(-1)?.reason).toBe('replaced by a new request');
    attempts.push(['replaced', replaced.token, await w.account()]);
    await createAccount(w.tenant, '444455556666');
    attempts.push([
      'wrong account',
      fresh.token,
      { ...(await accountKey(w.tenant, '444455556666')), region: 'us-west-2' },
    ]);
    attempts.push(['wrong region', fresh.token, await w.account('eu-west-1')]);
    const otherTenant = await createTenant('ccoracle');
    await createAccount(otherTenant, ACCOUNT);
    attempts.push([
      'other tenant',
      fresh.token,
      { ...(await accountKey(otherTenant, ACCOUNT)), region: 'us-west-2' },
    ]);

    const short = await world();
    await ok(
      'mutation { updateTenantSettings(input: { connectionTokenTtlSeconds: 1 }) { connectionTokenTtlSeconds } }',
      {},
      short.tenant.admin,
    );
    const expiring = await request(short);
    await new Promise((r) => setTimeout(r, 1_200));
    attempts.push(['expired', expiring.token, await short.account()]);

    for (const [why, token, caller] of attempts) {
      expect({ why, ...(await fails(PENDING, { t: token }, caller)) }).toMatchObject({
        why,
        ...NOT_FOUND,
      });
      expect({ why, ...(await fails(ACCEPT, { t: token }, caller)) }).toMatchObject({
        why,
        ...NOT_FOUND,
      });
    }
    // The fresh request is untouched by all of that and still verifies.
    const verified = await ok<{ acceptAccountConnection: { status: string } }>(
      ACCEPT,
      { t: fresh.token },
      await w.account(),
    );
    expect(verified.acceptAccountConnection.status).toBe('VERIFIED');
  });

  it('rejects with the token; the account can be requested again afterwards', async () => {
    const w = await world();
    const first = await request(w);
    const rejected = await ok<{ rejectAccountConnection: { status: string } }>(
      REJECT,
      { t: first.token },
      await w.account(),
    );
    expect(rejected.rejectAccountConnection.status).toBe('REJECTED');
    expect(await fails(ACCEPT, { t: first.token }, await w.account())).toMatchObject(NOT_FOUND);
    const again = await request(w);
    expect(again.id).not.toBe(first.id);
  });

  it('throttles brute force per caller, counting every attempt', async () => {
    const w = await world();
    await ok(
      'mutation { updateTenantSettings(input: { verificationsPerMinutePerCaller: 3 }) { verificationsPerMinutePerCaller } }',
      {},
      w.tenant.admin,
    );
    const attacker = await w.account();
    const results = [];
    for (let i = 0; i < 5; i++) {
      results.push((await fails(PENDING, { t: `cct_${randomUUID()}` }, attacker)).code);
    }
    expect(results.slice(0, 3)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
    expect(results.slice(3)).toEqual(['THROTTLED', 'THROTTLED']);
    // Even the right token is refused while throttled; another caller is not affected.
    const { token } = await request(w);
    expect((await fails(ACCEPT, { t: token }, attacker)).code).toBe('THROTTLED');
    expect(
      (
        await ok<{ acceptAccountConnection: { status: string } }>(
          ACCEPT,
          { t: token },
          await w.account(),
        )
      ).acceptAccountConnection.status,
    ).toBe('VERIFIED');
  });

  it("gives each account a share of the tenant's attempts: one cannot use them up for the others", async () => {
    const w = await world();
    await ok(
      'mutation { updateTenantSettings(input: { verificationsPerMinutePerCaller: 100, verificationsPerMinutePerTenant: 8 }) { verificationsPerMinutePerTenant } }',
      {},
      w.tenant.admin,
    );
    // A fresh key for every attempt: the per-caller limit never applies, the account's share does.
    const results = [];
    for (let i = 0; i < 6; i++) {
      results.push((await fails(PENDING, { t: `cct_${randomUUID()}` }, await w.account())).code);
    }
    expect(results).toEqual([
      'NOT_FOUND',
      'NOT_FOUND',
      'THROTTLED',
      'THROTTLED',
      'THROTTLED',
      'THROTTLED',
    ]);
    await createAccount(w.tenant, '444455556666');
    const other = { ...(await accountKey(w.tenant, '444455556666')), region: 'us-west-2' };
    expect((await fails(PENDING, { t: `cct_${randomUUID()}` }, other)).code).toBe('NOT_FOUND');
  });

  it('two concurrent verifications of one token: exactly one succeeds', async () => {
    const w = await world();
    for (let round = 0; round < 3; round++) {
      const { token, id } = await request(w);
      const [a, b] = await Promise.all([
        fails(ACCEPT, { t: token }, await w.account()).catch(() => null),
        fails(ACCEPT, { t: token }, await w.account()).catch(() => null),
      ]);
      const failures = [a, b].filter((r) => r !== null);
      expect(failures).toEqual([NOT_FOUND].map((n) => expect.objectContaining(n)));
      expect(
        await count('account_connection_transitions', '"connectionId" = $1 AND "toStatus" = $2', [
          id,
          'VERIFIED',
        ]),
      ).toBe(1);
      // Free the account for the next round.
      await ownerPool.query(
        `UPDATE account_connections SET status = 'REJECTED', "liveKey" = NULL WHERE id = $1`,
        [id],
      );
    }
  });

  it('the sweep marks expired requests EXPIRED, with their history', async () => {
    const w = await world();
    await ok(
      'mutation { updateTenantSettings(input: { connectionTokenTtlSeconds: 1 }) { connectionTokenTtlSeconds } }',
      {},
      w.tenant.admin,
    );
    const { id } = await request(w);
    await new Promise((r) => setTimeout(r, 1_200));
    await expireDueConnections(ownerPool);
    const seen = await ok<{
      accountConnection: {
        status: string;
        history: { from: string; to: string; reason: string }[];
      };
    }>(GET, { id }, w.admin);
    expect(seen.accountConnection.status).toBe('EXPIRED');
    expect(seen.accountConnection.history.at(-1)).toEqual({
      from: 'PENDING_VERIFICATION',
      to: 'EXPIRED',
      reason: 'the connection token expired',
    });
    expect(
      await count('account_connection_transitions', '"connectionId" = $1 AND "toStatus" = $2', [
        id,
        'EXPIRED',
      ]),
    ).toBe(1);
  });
});

describe('CodeCatalyst account connections: IAM roles', () => {
  const ASSOCIATE =
    'mutation($c: ID!, $r: String!) { associateIamRoleToConnection(input: { connectionId: $c, roleArn: $r }) { roleArn validation { status reason checkedAt } } }';
  const DISASSOCIATE =
    'mutation($c: ID!, $r: String!) { disassociateIamRoleFromConnection(input: { connectionId: $c, roleArn: $r }) { roleArn } }';
  const ROLES =
    'query($c: ID!) { iamRolesForConnection(connectionId: $c) { roleArn validation { status reason } } }';
  const CREATE_ROLE =
    'mutation($a: String!, $n: String!, $p: String!) { createRole(input: { accountId: $a, roleName: $n, assumeRolePolicyDocument: $p }) { arn } }';
  const trust = (principal: string | string[], sourceArn?: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: principal },
          Action: 'sts:AssumeRole',
          ...(sourceArn ? { Condition: { ArnLike: { 'aws:SourceArn': sourceArn } } } : {}),
        },
      ],
    });

  async function verified(w: World): Promise<{ id: string; account: CallOptions }> {
    const { token, id } = await request(w);
    const account = await w.account();
    await ok(ACCEPT, { t: token }, account);
    return { id, account };
  }

  async function statusOf(
    connectionId: string,
    roleArn: string,
    caller: CallOptions,
  ): Promise<{ status: string; reason: string | null } | undefined> {
    const data = await ok<{
      iamRolesForConnection: {
        roleArn: string;
        validation: { status: string; reason: string | null };
      }[];
    }>(ROLES, { c: connectionId }, caller);
    return data.iamRolesForConnection.find((r) => r.roleArn === roleArn)?.validation;
  }

  it('associates a role trusted for the space, validates it, and revalidates it when IAM changes it', async () => {
    const w = await world();
    const { id, account } = await verified(w);
    const arn = `arn:aws:iam::${ACCOUNT}:role/CodeCatalystWorkflowRole`;
    await ok(
      CREATE_ROLE,
      {
        a: ACCOUNT,
        n: 'CodeCatalystWorkflowRole',
        p: trust(
          ['codecatalyst-runner.amazonaws.com', 'codecatalyst.amazonaws.com'],
          `arn:aws:codecatalyst:::space/${w.spaceId}/project/*`,
        ),
      },
      w.tenant.admin,
    );
    const associated = await ok<{
      associateIamRoleToConnection: { validation: { status: string } };
    }>(ASSOCIATE, { c: id, r: arn }, account);
    expect(associated.associateIamRoleToConnection.validation.status).toBe('PENDING');
    await waitUntil(async () => (await statusOf(id, arn, account))?.status === 'VALID', 'VALID');
    // The space sees the role on the connection.
    const seen = await ok<{
      accountConnection: { roles: { roleArn: string; validation: { status: string } }[] };
    }>(
      'query($id: ID!) { accountConnection(id: $id) { roles { roleArn validation { status } } } }',
      { id },
      w.limited,
    );
    expect(seen.accountConnection.roles).toEqual([
      { roleArn: arn, validation: { status: 'VALID' } },
    ]);

    await ok(
      'mutation($p: String!) { updateAssumeRolePolicy(input: { accountId: "111122223333", roleName: "CodeCatalystWorkflowRole", policyDocument: $p }) { arn } }',
      { p: trust('proton.amazonaws.com') },
      w.tenant.admin,
    );
    await waitUntil(
      async () => (await statusOf(id, arn, account))?.status === 'INVALID',
      'INVALID after the IAM change',
    );
    expect((await statusOf(id, arn, account))?.reason).toMatch(/codecatalyst/);

    await ok(DISASSOCIATE, { c: id, r: arn }, account);
    expect(
      (await ok<{ iamRolesForConnection: unknown[] }>(ROLES, { c: id }, account))
        .iamRolesForConnection,
    ).toEqual([]);
    expect(await fails(DISASSOCIATE, { c: id, r: arn }, account)).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('marks INVALID a role without the CodeCatalyst principals, or trusted for another space', async () => {
    const w = await world();
    const { id, account } = await verified(w);
    await ok(
      CREATE_ROLE,
      { a: ACCOUNT, n: 'ProtonOnly', p: trust('proton.amazonaws.com') },
      w.tenant.admin,
    );
    await ok(
      CREATE_ROLE,
      {
        a: ACCOUNT,
        n: 'OtherSpace',
        p: trust(
          'codecatalyst.amazonaws.com',
          'arn:aws:codecatalyst:::space/another-space/project/*',
        ),
      },
      w.tenant.admin,
    );
    for (const name of ['ProtonOnly', 'OtherSpace']) {
      const arn = `arn:aws:iam::${ACCOUNT}:role/${name}`;
      await ok(ASSOCIATE, { c: id, r: arn }, account);
      await waitUntil(
        async () => (await statusOf(id, arn, account))?.status === 'INVALID',
        `${name} INVALID`,
      );
      expect((await statusOf(id, arn, account))?.reason).toContain(w.spaceId);
    }
  });

  it('refuses a role of another account (iam:PassRole), pending connections, and callers other than the account', async () => {
    const w = await world();
    const { id, account } = await verified(w);
    expect(
      await fails(ASSOCIATE, { c: id, r: 'arn:aws:iam::999988887777:role/Elsewhere' }, account),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(await fails(ASSOCIATE, { c: id, r: 'not-an-arn' }, account)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'roleArn',
    });
    expect(
      await fails(ASSOCIATE, { c: id, r: `arn:aws:iam::${ACCOUNT}:role/X` }, w.admin),
    ).toMatchObject({ code: 'FORBIDDEN' });
    await createAccount(w.tenant, '444455556666');
    expect(
      await fails(
        ASSOCIATE,
        { c: id, r: `arn:aws:iam::${ACCOUNT}:role/X` },
        await accountKey(w.tenant, '444455556666'),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    const other = await world();
    const pending = await request(other);
    expect(
      await fails(
        ASSOCIATE,
        { c: pending.id, r: `arn:aws:iam::${ACCOUNT}:role/X` },
        await other.account(),
      ),
      // A pending request does not exist for its account until it uses the token (this was
      // CONFLICT, which revealed the request).
    ).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('CodeCatalyst billing and removing connections', () => {
  const SPACE_BILLING =
    'query($id: ID!) { space(id: $id) { tier billingConnection { id accountId } accountConnections { edges { node { id status } } } } }';
  const TIER =
    'mutation($s: ID!, $t: SpaceTier!) { updateSpaceTier(input: { spaceId: $s, tier: $t }) { tier } }';
  const DESIGNATE =
    'mutation($s: ID!, $c: ID!) { setSpaceBillingConnection(input: { spaceId: $s, connectionId: $c }) { billingConnection { id } } }';
  const PUT =
    'mutation($c: ID!, $a: Boolean!) { putBillingAuthorization(input: { connectionId: $c, authorizePaidTiers: $a }) { paidTiersAuthorized isBillingConnection } }';
  const GET_AUTH =
    'query($c: ID!) { billingAuthorization(connectionId: $c) { paidTiersAuthorized isBillingConnection } }';
  const DELETE = 'mutation($c: ID!) { deleteAccountConnection(connectionId: $c) { id status } }';
  const SECOND = '444455556666';

  it('makes the first verified connection the billing account and gates paid tiers on its authorization', async () => {
    const w = await world();
    const { token, id } = await request(w);
    const account = await w.account();
    await ok(ACCEPT, { t: token, p: false }, account);
    const space = await ok<{ space: { tier: string; billingConnection: { id: string } } }>(
      SPACE_BILLING,
      { id: w.spaceId },
      w.admin,
    );
    expect(space.space).toMatchObject({ tier: 'FREE', billingConnection: { id } });

    expect(await fails(TIER, { s: w.spaceId, t: 'STANDARD' }, w.admin)).toMatchObject({
      code: 'CONFLICT',
    });
    expect(
      (await ok<{ putBillingAuthorization: unknown }>(PUT, { c: id, a: true }, account))
        .putBillingAuthorization,
    ).toEqual({ paidTiersAuthorized: true, isBillingConnection: true });
    expect(
      (
        await ok<{ updateSpaceTier: { tier: string } }>(
          TIER,
          { s: w.spaceId, t: 'ENTERPRISE' },
          w.admin,
        )
      ).updateSpaceTier.tier,
    ).toBe('ENTERPRISE');
    expect(await fails(TIER, { s: w.spaceId, t: 'STANDARD' }, w.power)).toMatchObject({
      code: 'FORBIDDEN',
    });
    // The paying account cannot withdraw paid tiers while the space uses one.
    expect(await fails(PUT, { c: id, a: false }, account)).toMatchObject({ code: 'CONFLICT' });
    expect(
      (await ok<{ billingAuthorization: unknown }>(GET_AUTH, { c: id }, account))
        .billingAuthorization,
    ).toEqual({ paidTiersAuthorized: true, isBillingConnection: true });
    expect(await fails(GET_AUTH, { c: id }, w.admin)).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('keeps the billing connection while other verified connections exist; designating another frees it', async () => {
    const w = await world();
    const first = await request(w);
    await ok(ACCEPT, { t: first.token, p: true }, await w.account());
    await ok(TIER, { s: w.spaceId, t: 'STANDARD' }, w.admin);
    await createAccount(w.tenant, SECOND);
    const secondKey = { ...(await accountKey(w.tenant, SECOND)), region: 'us-west-2' };
    const second = await ok<{
      requestAccountConnection: { token: string; connection: { id: string } };
    }>(
      REQUEST,
      { input: { spaceId: w.spaceId, accountId: SECOND, displayName: 'Second' } },
      w.admin,
    );
    await ok(ACCEPT, { t: second.requestAccountConnection.token, p: false }, secondKey);
    const secondId = second.requestAccountConnection.connection.id;

    expect(await fails(DELETE, { c: first.id }, w.admin)).toMatchObject({ code: 'CONFLICT' });
    expect(await fails(DELETE, { c: first.id }, await w.account())).toMatchObject({
      code: 'CONFLICT',
    });
    // The space is on a paid tier: the new billing account must authorize paid tiers.
    expect(await fails(DESIGNATE, { s: w.spaceId, c: secondId }, w.admin)).toMatchObject({
      code: 'CONFLICT',
    });
    await ok(PUT, { c: secondId, a: true }, secondKey);
    expect(
      (
        await ok<{ setSpaceBillingConnection: { billingConnection: { id: string } } }>(
          DESIGNATE,
          { s: w.spaceId, c: secondId },
          w.admin,
        )
      ).setSpaceBillingConnection.billingConnection.id,
    ).toBe(secondId);

    const removed = await ok<{ deleteAccountConnection: { id: string; status: string } }>(
      DELETE,
      { c: first.id },
      w.admin,
    );
    expect(removed.deleteAccountConnection).toEqual({ id: first.id, status: 'VERIFIED' });
    expect(await ok(GET, { id: first.id }, w.admin)).toEqual({ accountConnection: null });
    // Adding the account again needs a new request.
    expect((await request(w)).id).not.toBe(first.id);
  });

  it('removing the last connection leaves the space without a billing account, on FREE; roles go with it', async () => {
    const w = await world();
    const { token, id } = await request(w);
    const account = await w.account();
    await ok(ACCEPT, { t: token, p: true }, account);
    await ok(TIER, { s: w.spaceId, t: 'STANDARD' }, w.admin);
    await ok(
      'mutation($c: ID!, $r: String!) { associateIamRoleToConnection(input: { connectionId: $c, roleArn: $r }) { roleArn } }',
      { c: id, r: `arn:aws:iam::${ACCOUNT}:role/Gone` },
      account,
    );
    expect(await fails(DELETE, { c: id }, w.power)).toMatchObject({ code: 'FORBIDDEN' });
    await ok(DELETE, { c: id }, account);
    const space = await ok<{
      space: { tier: string; billingConnection: unknown; accountConnections: { edges: unknown[] } };
    }>(SPACE_BILLING, { id: w.spaceId }, w.admin);
    // Space.accountConnections is a page now (it was a list of every connection).
    expect(space.space).toEqual({
      tier: 'FREE',
      billingConnection: null,
      accountConnections: { edges: [] },
    });
    expect(await count('connection_iam_roles', '"connectionId" = $1', [id])).toBe(0);
  });
});

describe('CodeCatalyst: the account learns of a request only through its token', () => {
  const DELETE = 'mutation($c: ID!) { deleteAccountConnection(connectionId: $c) { id status } }';
  const CHANGED = 'subscription { accountConnectionChanged { kind connection { id status } } }';

  it('cannot get, list, delete or hear of a pending request, nor of one that expired unused', async () => {
    const w = await world();
    const account = await w.account();
    const events = await subscribe<{ accountConnectionChanged: { kind: string } }>(
      account,
      CHANGED,
    );
    try {
      const { id, token } = await request(w);
      expect(await ok(GET, { id }, account)).toEqual({ accountConnection: null });
      expect(await ok(GET, { id }, w.admin)).toMatchObject({ accountConnection: { id } });
      expect(await fails(DELETE, { c: id }, account)).toMatchObject({ code: 'NOT_FOUND' });
      expect(await count('account_connections', '"id" = $1', [id])).toBe(1);
      expect(await fails(LIST_PENDING, { s: w.spaceId }, account)).toMatchObject({
        code: 'FORBIDDEN',
      });
      const listed = await ok<{ accountConnections: { edges: { node: { id: string } }[] } }>(
        LIST,
        { s: w.spaceId },
        account,
      );
      expect(listed.accountConnections.edges).toEqual([]);

      // Expired unused (another account's request): still the space's alone.
      const SECOND = '444455556666';
      await createAccount(w.tenant, SECOND);
      const second = { ...(await accountKey(w.tenant, SECOND)), region: 'us-west-2' };
      const lapsed = await ok<{ requestAccountConnection: { connection: { id: string } } }>(
        REQUEST,
        { input: { spaceId: w.spaceId, accountId: SECOND, displayName: 'Lapsed' } },
        w.admin,
      );
      const lapsedId = lapsed.requestAccountConnection.connection.id;
      await ownerPool.query(
        `UPDATE "account_connections" SET "expiresAt" = now() - interval '1 second' WHERE "id" = $1`,
        [lapsedId],
      );
      await expireDueConnections(ownerPool);
      expect(await ok(GET, { id: lapsedId }, w.admin)).toMatchObject({
        accountConnection: { status: 'EXPIRED' },
      });
      expect(await ok(GET, { id: lapsedId }, second)).toEqual({ accountConnection: null });
      const all = await ok<{ accountConnections: { edges: unknown[] } }>(
        LIST,
        { s: w.spaceId },
        second,
      );
      expect(all.accountConnections.edges).toEqual([]);

      // With the token it answers, and from then on the connection is its own.
      await ok(ACCEPT, { t: token }, account);
      expect(await ok(GET, { id }, account)).toMatchObject({
        accountConnection: { id, status: 'VERIFIED' },
      });
      const [first] = await events.take(1);
      expect(first?.accountConnectionChanged.kind).toBe('VERIFIED');
      await new Promise((r) => setTimeout(r, 300));
      expect(events.received.map((e) => e.accountConnectionChanged.kind)).toEqual(['VERIFIED']);
    } finally {
      await events.close();
    }
  });
});

describe("CodeCatalyst: a space's connections, a page at a time, and the space's quota", () => {
  const PAGE = `query($id: ID!, $first: Int, $after: String) { space(id: $id) {
    accountConnections(first: $first, after: $after) { edges { node { id status } } pageInfo { hasNextPage endCursor } } } }`;
  interface SpacePage {
    space: {
      accountConnections: {
        edges: { node: { id: string; status: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
  }

  it('pages Space.accountConnections by cursor; a cursor of another space or list is refused', async () => {
    const w = await world();
    // Each new request replaces the pending one, which stays listed as EXPIRED.
    const first = await request(w);
    const second = await request(w);
    await request(w);
    const one = await ok<SpacePage>(PAGE, { id: w.spaceId, first: 1 }, w.admin);
    expect(one.space.accountConnections.edges.map((e) => e.node)).toEqual([
      { id: first.id, status: 'EXPIRED' },
    ]);
    expect(one.space.accountConnections.pageInfo.hasNextPage).toBe(true);
    const two = await ok<SpacePage>(
      PAGE,
      { id: w.spaceId, first: 1, after: one.space.accountConnections.pageInfo.endCursor },
      w.limited,
    );
    expect(two.space.accountConnections.edges.map((e) => e.node)).toEqual([
      { id: second.id, status: 'EXPIRED' },
    ]);
    // The pending request is not listed: the page after the second is the last.
    expect(two.space.accountConnections.pageInfo.hasNextPage).toBe(false);

    const other = await ok<{ createSpace: { id: string } }>(
      'mutation { createSpace(input: { name: "other-space", region: "us-west-2" }) { id } }',
      {},
      w.admin,
    );
    const cursor = one.space.accountConnections.pageInfo.endCursor;
    expect(
      await fails(PAGE, { id: other.createSpace.id, first: 1, after: cursor }, w.admin),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const listed = await ok<{ accountConnections: { pageInfo: { endCursor: string } } }>(
      'query($s: ID) { accountConnections(spaceId: $s, first: 1) { pageInfo { endCursor } } }',
      { s: w.spaceId },
      w.admin,
    );
    expect(
      await fails(
        PAGE,
        { id: w.spaceId, after: listed.accountConnections.pageInfo.endCursor },
        w.admin,
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(await fails(PAGE, { id: w.spaceId, first: 101 }, w.admin)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'first',
    });
  });

  it('refuses a request over the space’s quota of connections, replaced ones included, changing nothing', async () => {
    const w = await world();
    await ok(
      'mutation { updateTenantSettings(input: { accountConnectionQuota: 2 }) { accountConnectionQuota } }',
      {},
      w.tenant.admin,
    );
    const replaced = await request(w);
    const pending = await request(w);
    expect(
      await fails(
        REQUEST,
        { input: { spaceId: w.spaceId, accountId: ACCOUNT, displayName: 'third' } },
        w.admin,
      ),
    ).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      message: expect.stringMatching(/holds 2 connections, its quota/),
    });
    expect(await count('account_connections', '"spaceId" = $1', [w.spaceId])).toBe(2);
    // The refused request replaced nothing: the pending one's token still verifies.
    const verified = await ok<{ acceptAccountConnection: { id: string; status: string } }>(
      ACCEPT,
      { t: pending.token },
      await w.account(),
    );
    expect(verified.acceptAccountConnection).toMatchObject({ id: pending.id, status: 'VERIFIED' });
    // Removing the replaced request makes room again.
    await ok(
      'mutation($c: ID!) { deleteAccountConnection(connectionId: $c) { id } }',
      { c: replaced.id },
      w.admin,
    );
    const another = await createAccount(w.tenant, '444455556666');
    await ok(
      REQUEST,
      { input: { spaceId: w.spaceId, accountId: another, displayName: 'another' } },
      w.admin,
    );
    expect(await count('account_connections', '"spaceId" = $1', [w.spaceId])).toBe(2);
  });
});
