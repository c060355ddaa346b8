import {
  accountKey,
  CallOptions,
  createAccount,
  createRole,
  createTenant,
  fails,
  ok,
  subscribe,
  Subscription,
} from './test/client';
import { ACCEPT, ACCOUNT, newUser, request, World, world } from './test/codecatalyst';
import { count, expireDueConnections, ownerPool } from './test/db';

const TAG =
  'mutation($arn: String!, $tags: [TagInput!]!) { tagResource(input: { resourceArn: $arn, tags: $tags }) { key value } }';
const UNTAG =
  'mutation($arn: String!, $keys: [String!]!) { untagResource(input: { resourceArn: $arn, tagKeys: $keys }) { key value } }';
const TAGS = 'query($arn: String!) { tagsForResource(resourceArn: $arn) { key value } }';
const CONNECTION_TAGS = 'query($id: ID!) { accountConnection(id: $id) { arn tags { key value } } }';
const DELETE = 'mutation($id: ID!) { deleteAccountConnection(connectionId: $id) { id } }';

async function verified(w: World): Promise<{ id: string; arn: string; account: CallOptions }> {
  const { token, id } = await request(w);
  const account = await w.account();
  await ok(ACCEPT, { t: token }, account);
  const data = await ok<{ accountConnection: { arn: string } }>(CONNECTION_TAGS, { id }, w.admin);
  return { id, arn: data.accountConnection.arn, account };
}

describe('CodeCatalyst connection tags (TagResource, UntagResource, ListTagsForResource)', () => {
  it("lets the account and the space's managers tag a connection; members read the tags; others are told nothing exists", async () => {
    const w = await world();
    const { id, arn, account } = await verified(w);
    expect(arn).toBe(`arn:aws:codecatalyst:us-west-2:${ACCOUNT}:/connections/${id}`);

    const byAccount = await ok<{ tagResource: { key: string; value: string }[] }>(
      TAG,
      { arn, tags: [{ key: 'team', value: 'payments' }] },
      account,
    );
    expect(byAccount.tagResource).toEqual([{ key: 'team', value: 'payments' }]);
    await ok(TAG, { arn, tags: [{ key: 'env', value: 'prod' }] }, w.power);
    await ok(TAG, { arn, tags: [{ key: 'team', value: 'platform' }] }, w.admin);

    const expected = [
      { key: 'env', value: 'prod' },
      { key: 'team', value: 'platform' },
    ];
    // Limited members see the (non-pending) connection, so they read its tags, but cannot change them.
    expect(
      (await ok<{ tagsForResource: unknown[] }>(TAGS, { arn }, w.limited)).tagsForResource,
    ).toEqual(expected);
    const field = await ok<{ accountConnection: { tags: unknown[] } }>(
      CONNECTION_TAGS,
      { id },
      account,
    );
    expect(field.accountConnection.tags).toEqual(expected);
    expect((await fails(TAG, { arn, tags: [{ key: 'x', value: 'y' }] }, w.limited)).code).toBe(
      'FORBIDDEN',
    );

    // Outsiders, another account of the tenant and another tenant: the same NOT_FOUND.
    await createAccount(w.tenant, '444455556666');
    const otherAccount = { ...(await accountKey(w.tenant, '444455556666')), region: 'us-west-2' };
    const otherTenant = await createTenant('cctags-other');
    for (const caller of [w.outsider, otherAccount, otherTenant.admin]) {
      for (const [query, variables] of [
        [TAGS, { arn }],
        [TAG, { arn, tags: [{ key: 'x', value: 'y' }] }],
        [UNTAG, { arn, keys: ['team'] }],
      ] as const) {
        const error = await fails(query, variables, caller);
        expect(error.code).toBe('NOT_FOUND');
        expect(error.message).toBe(`The resource ${arn} was not found`);
      }
    }

    const untagged = await ok<{ untagResource: unknown[] }>(
      UNTAG,
      { arn, keys: ['team', 'absent'] },
      w.admin,
    );
    expect(untagged.untagResource).toEqual([{ key: 'env', value: 'prod' }]);
  });

  it("enforces AWS's tag limits, and rejects ARNs that do not name a connection of the tenant", async () => {
    const w = await world();
    const { arn, account } = await verified(w);
    const tags = (n: number, prefix = 'k') =>
      Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: `v${i}` }));

    const tooMany = await fails(TAG, { arn, tags: tags(51) }, account);
    expect(tooMany.code).toBe('BAD_USER_INPUT');
    expect(tooMany.message).toContain('less than or equal to 50');
    expect(
      (await fails(TAG, { arn, tags: [{ key: 'aws:owner', value: 'x' }] }, account)).message,
    ).toContain('reserved for AWS');
    expect(
      (await fails(TAG, { arn, tags: [{ key: 'k'.repeat(129), value: 'x' }] }, account)).message,
    ).toContain('length between 1 and 128');
    expect(
      (await fails(TAG, { arn, tags: [{ key: 'k', value: 'v'.repeat(257) }] }, account)).message,
    ).toContain('length between 0 and 256');
    expect(
      (
        await fails(
          TAG,
          {
            arn,
            tags: [
              { key: 'a', value: '1' },
              { key: 'a', value: '2' },
            ],
          },
          account,
        )
      ).message,
    ).toBe('Duplicate tag key: a');

    // 50 tags in all, counted across calls; replacing a value does not count twice.
    await ok(TAG, { arn, tags: tags(30) }, account);
    await ok(TAG, { arn, tags: [...tags(20, 'm'), { key: 'k0', value: 'new' }] }, account);
    const over = await fails(TAG, { arn, tags: [{ key: 'one-more', value: 'x' }] }, account);
    expect(over.message).toBe('A resource can have at most 50 tags; this request would give it 51');
    expect(
      (await ok<{ tagsForResource: unknown[] }>(TAGS, { arn }, account)).tagsForResource,
    ).toHaveLength(50);

    expect((await fails(TAGS, { arn: 'arn:aws:codecatalyst:::space/x' }, account)).code).toBe(
      'BAD_USER_INPUT',
    );
    // The right id under another region or account is not this connection.
    for (const other of [
      arn.replace('us-west-2', 'eu-west-1'),
      arn.replace(ACCOUNT, '999999999999'),
    ]) {
      expect((await fails(TAGS, { arn: other }, account)).code).toBe('NOT_FOUND');
    }
  });

  it('lets the account tag a connection only once it has answered the request', async () => {
    const w = await world();
    const { id, token } = await request(w);
    const arn = `arn:aws:codecatalyst:us-west-2:${ACCOUNT}:/connections/${id}`;
    const account = await w.account();
    const refused = await fails(TAG, { arn, tags: [{ key: 'k', value: 'v' }] }, account);
    // Before it has the token, the account is told nothing exists (it used to be CONFLICT,
    // which told it that a request was pending).
    expect(refused.code).toBe('NOT_FOUND');
    // The space's managers may label their own pending request.
    await ok(TAG, { arn, tags: [{ key: 'k', value: 'v' }] }, w.admin);
    expect((await fails(TAGS, { arn }, account)).code).toBe('NOT_FOUND');
    // Once it has verified the request, the connection, and its tags, are the account's too.
    await ok(ACCEPT, { t: token }, account);
    expect(
      (await ok<{ tagsForResource: unknown[] }>(TAGS, { arn }, account)).tagsForResource,
    ).toEqual([{ key: 'k', value: 'v' }]);
    await ok(TAG, { arn, tags: [{ key: 'team', value: 'payments' }] }, account);
  });

  it('drops the tags with the connection', async () => {
    const w = await world();
    const { id, arn, account } = await verified(w);
    await ok(TAG, { arn, tags: [{ key: 'team', value: 'payments' }] }, account);
    expect(await count('resource_tags', '"resourceArn" = $1', [arn])).toBe(1);
    await ok(DELETE, { id }, w.admin);
    expect(await count('resource_tags', '"resourceArn" = $1', [arn])).toBe(0);
  });
});

interface Change {
  accountConnectionChanged: {
    kind: string;
    actor: string;
    roleArn: string | null;
    connection: { id: string; spaceId: string; status: string; history: { to: string }[] };
  };
}

const CHANGED = `subscription($s: ID, $c: ID) { accountConnectionChanged(spaceId: $s, connectionId: $c) {
  eventId kind actor roleArn connection { id spaceId status history { to } } } }`;

describe('CodeCatalyst subscription accountConnectionChanged', () => {
  it("delivers every change to the space's administrators and power users, and those after its answer to the account; nobody else", async () => {
    const w = await world();
    await createAccount(w.tenant, '444455556666');
    const otherAccount = { ...(await accountKey(w.tenant, '444455556666')), region: 'us-west-2' };
    const otherTenant = await createTenant('ccsub-other');
    const account = await w.account();

    const audience = {
      admin: await subscribe<Change>(w.admin, CHANGED, { s: w.spaceId }),
      power: await subscribe<Change>(w.power, CHANGED, {}),
      account: await subscribe<Change>(account, CHANGED, {}),
    };
    const nobody: Subscription<Change>[] = [
      await subscribe<Change>(w.limited, CHANGED, {}),
      await subscribe<Change>(w.outsider, CHANGED, {}),
      await subscribe<Change>(otherAccount, CHANGED, {}),
      await subscribe<Change>(otherTenant.admin, CHANGED, {}),
    ];
    try {
      const { token, id } = await request(w);
      await ok(ACCEPT, { t: token }, account);
      const roleArn = await createRole(
        w.tenant,
        ACCOUNT,
        'CodeCatalystWorkflowRole',
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'codecatalyst-runner.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      );
      await ok(
        'mutation($c: ID!, $r: String!) { associateIamRoleToConnection(input: { connectionId: $c, roleArn: $r }) { roleArn } }',
        { c: id, r: roleArn },
        account,
      );
      const kinds = ['REQUESTED', 'VERIFIED', 'ROLE_ASSOCIATED', 'ROLE_VALIDATION_CHANGED'];
      // The worker validates the role asynchronously; wait for it before the next changes.
      await audience.admin.take(kinds.length, 15_000);
      const arn = `arn:aws:codecatalyst:us-west-2:${ACCOUNT}:/connections/${id}`;
      await ok(TAG, { arn, tags: [{ key: 'team', value: 'payments' }] }, account);
      await ok(
        'mutation($c: ID!) { putBillingAuthorization(input: { connectionId: $c, authorizePaidTiers: true }) { paidTiersAuthorized } }',
        { c: id },
        account,
      );
      await ok(DELETE, { id }, w.admin);
      kinds.push('TAGS_CHANGED', 'BILLING_AUTHORIZATION_CHANGED', 'DELETED');

      for (const [who, sub] of Object.entries(audience)) {
        // The account learns of the request through the token only: not from a REQUESTED event.
        const expected = who === 'account' ? kinds.filter((k) => k !== 'REQUESTED') : kinds;
        const changes = (await sub.take(expected.length)).map((c) => c.accountConnectionChanged);
        expect(changes.map((c) => c.kind)).toEqual(expected);
        expect(new Set(changes.map((c) => c.connection.id))).toEqual(new Set([id]));
        expect(sub.errors).toEqual([]);
      }
      const changes = audience.admin.received.map((c) => c.accountConnectionChanged);
      expect(changes.map((c) => c.connection.status)).toEqual([
        'PENDING_VERIFICATION',
        'VERIFIED',
        'VERIFIED',
        'VERIFIED',
        'VERIFIED',
        'VERIFIED',
        'VERIFIED',
      ]);
      expect(changes[1]).toMatchObject({ actor: `account:${ACCOUNT}`, roleArn: null });
      expect(changes[1]?.connection.history.map((h) => h.to)).toEqual([
        'PENDING_VERIFICATION',
        'VERIFIED',
      ]);
      expect(changes[2]).toMatchObject({ roleArn, actor: `account:${ACCOUNT}` });
      expect(changes[3]).toMatchObject({ roleArn, actor: 'system' });

      // Everyone above has had the last event; the rest heard nothing at all.
      await new Promise((r) => setTimeout(r, 300));
      for (const sub of nobody) {
        expect(sub.received).toEqual([]);
        expect(sub.errors).toEqual([]);
      }

      // Their subscriptions were live all along: membership changes, and the next change reaches
      // the new managers (the limited member promoted, the outsider added), not the demoted one.
      const [limitedSub, outsiderSub] = nobody as [Subscription<Change>, Subscription<Change>];
      await ok(
        'mutation($s: ID!, $u: ID!) { updateSpaceMemberRole(input: { spaceId: $s, userId: $u, role: POWER_USER }) { id } }',
        { s: w.spaceId, u: w.userIds.limited },
        w.admin,
      );
      await ok(
        'mutation($s: ID!, $u: ID!) { addSpaceMember(input: { spaceId: $s, userId: $u, role: POWER_USER }) { id } }',
        { s: w.spaceId, u: w.userIds.outsider },
        w.admin,
      );
      await ok(
        'mutation($s: ID!, $u: ID!) { updateSpaceMemberRole(input: { spaceId: $s, userId: $u, role: LIMITED_ACCESS }) { id } }',
        { s: w.spaceId, u: w.userIds.power },
        w.admin,
      );
      const listeners = [limitedSub, outsiderSub, audience.admin];
      const before = listeners.map((sub) => sub.received.length);
      const accountBefore = audience.account.received.length;
      const next = await request(w);
      for (const [i, sub] of listeners.entries()) {
        const last = (await sub.take((before[i] ?? 0) + 1)).at(-1);
        expect(last?.accountConnectionChanged).toMatchObject({
          kind: 'REQUESTED',
          connection: { id: next.id },
        });
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(audience.power.received).toHaveLength(kinds.length);
      expect(audience.account.received).toHaveLength(accountBefore);
    } finally {
      await Promise.all([...Object.values(audience), ...nobody].map((s) => s.close()));
    }
  });

  it('filters by connection, follows membership changes, and includes the expiry sweep', async () => {
    const w = await world();
    const watcher = await newUser(w.tenant, 'watcher');
    await createAccount(w.tenant, '444455556666');
    // Events go out after commit (outbox, relay, Redis): the space's administrator hears each
    // request before the test goes on, so the subscriptions and the membership change below come
    // after the request's event, as the test means, however slow the relay is at that moment.
    const space = await subscribe<Change>(w.admin, CHANGED, { s: w.spaceId });
    const first = await request(w);
    await space.take(1);
    const byConnection = await subscribe<Change>(w.admin, CHANGED, { c: first.id });
    const watching = await subscribe<Change>(watcher.key, CHANGED, {});
    try {
      // Not yet a member: the request is not for the watcher.
      const second = await ok<{ requestAccountConnection: { connection: { id: string } } }>(
        'mutation($s: ID!) { requestAccountConnection(input: { spaceId: $s, accountId: "444455556666", displayName: "Staging" }) { connection { id } } }',
        { s: w.spaceId },
        w.admin,
      );
      await space.take(2);
      await ok(
        'mutation($s: ID!, $u: ID!) { addSpaceMember(input: { spaceId: $s, userId: $u, role: POWER_USER }) { id } }',
        { s: w.spaceId, u: watcher.id },
        w.admin,
      );
      await ownerPool.query(
        `UPDATE "account_connections" SET "expiresAt" = now() - interval '1 second' WHERE "spaceId" = $1`,
        [w.spaceId],
      );
      await expireDueConnections(ownerPool);

      const [expired] = await byConnection.take(1);
      expect(expired?.accountConnectionChanged).toMatchObject({
        kind: 'EXPIRED',
        actor: 'system',
        connection: { id: first.id, status: 'EXPIRED' },
      });
      // The watcher became a power user before the sweep: both expiries, not the earlier request.
      const seen = (await watching.take(2)).map((c) => c.accountConnectionChanged);
      expect(seen.map((c) => c.kind)).toEqual(['EXPIRED', 'EXPIRED']);
      expect(new Set(seen.map((c) => c.connection.id))).toEqual(
        new Set([first.id, second.requestAccountConnection.connection.id]),
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(byConnection.received).toHaveLength(1);
      expect(watching.received).toHaveLength(2);
    } finally {
      await Promise.all([space.close(), byConnection.close(), watching.close()]);
    }
  });

  it('refuses a space filter to users who do not manage its connections', async () => {
    const w = await world();
    for (const [caller, code] of [
      [w.limited, 'FORBIDDEN'],
      [w.outsider, 'NOT_FOUND'],
    ] as const) {
      const sub = await subscribe<Change>(caller, CHANGED, { s: w.spaceId });
      try {
        const deadline = Date.now() + 5_000;
        while (sub.errors.length === 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 25));
        }
        expect(sub.errors[0]?.extensions?.code).toBe(code);
      } finally {
        await sub.close();
      }
    }
  });
});
