import {
  AcceptEnvironmentAccountConnectionCommand,
  AccessDeniedException,
  ConflictException,
  CreateEnvironmentAccountConnectionCommand,
  DeleteEnvironmentAccountConnectionCommand,
  EnvironmentAccountConnection,
  GetEnvironmentAccountConnectionCommand,
  ListEnvironmentAccountConnectionsCommand,
  ListTagsForResourceCommand,
  paginateListEnvironmentAccountConnections,
  RejectEnvironmentAccountConnectionCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  TagResourceCommand,
  ThrottlingException,
  UntagResourceCommand,
  UpdateEnvironmentAccountConnectionCommand,
  ValidationException,
} from '@aws-sdk/client-proton';
import { apiUrl, ok, trustPolicy } from './test/client';
import { count, ownerPool } from './test/db';
import { ENV, MGMT, protonWorld, ProtonWorld, rawAws, SEED_ROLE, waitUntil } from './test/proton';

const OTHER = '123456789333';

async function create(
  world: ProtonWorld,
  environmentName: string,
  extra: Record<string, unknown> = {},
): Promise<EnvironmentAccountConnection> {
  const out = await world.client(ENV).send(
    new CreateEnvironmentAccountConnectionCommand({
      environmentName,
      managementAccountId: MGMT,
      roleArn: SEED_ROLE,
      ...extra,
    }),
  );
  return out.environmentAccountConnection as EnvironmentAccountConnection;
}

async function roleStatus(
  world: ProtonWorld,
  id: string,
): Promise<{ kind: string; status: string; reason: string | null }[]> {
  const data = await ok<{
    environmentAccountConnection: {
      roleValidation: { kind: string; status: string; reason: string | null }[];
    };
  }>(
    'query($id: ID!) { environmentAccountConnection(id: $id) { roleValidation { kind status reason } } }',
    { id },
    world.gql[ENV],
  );
  return data.environmentAccountConnection.roleValidation;
}

describe('Proton environment account connections through @aws-sdk/client-proton', () => {
  let world: ProtonWorld;

  beforeAll(async () => {
    world = await protonWorld();
  });

  it('runs the seed flow: create (PENDING), get, accept (CONNECTED), delete (returns it as it was)', async () => {
    const created = await create(world, 'simple-env-connected');
    expect(created).toMatchObject({
      environmentAccountId: ENV,
      managementAccountId: MGMT,
      environmentName: 'simple-env-connected',
      roleArn: SEED_ROLE,
      status: 'PENDING',
      arn: `arn:aws:proton:us-east-1:${ENV}:environment-account-connection/${created.id}`,
    });
    expect(created.requestedAt).toBeInstanceOf(Date);
    expect(created.lastModifiedAt?.getTime()).toBe(created.requestedAt?.getTime());

    const got = await world
      .client(MGMT)
      .send(new GetEnvironmentAccountConnectionCommand({ id: created.id }));
    expect(got.environmentAccountConnection).toEqual(created);

    const accepted = await world
      .client(MGMT)
      .send(new AcceptEnvironmentAccountConnectionCommand({ id: created.id }));
    expect(accepted.environmentAccountConnection?.status).toBe('CONNECTED');
    expect(accepted.environmentAccountConnection?.lastModifiedAt?.getTime()).toBeGreaterThanOrEqual(
      created.lastModifiedAt?.getTime() ?? 0,
    );
    // Accepting again is idempotent.
    const again = await world
      .client(MGMT)
      .send(new AcceptEnvironmentAccountConnectionCommand({ id: created.id }));
    expect(again.environmentAccountConnection).toEqual(accepted.environmentAccountConnection);

    const deleted = await world
      .client(ENV)
      .send(new DeleteEnvironmentAccountConnectionCommand({ id: created.id }));
    expect(deleted.environmentAccountConnection?.status).toBe('CONNECTED');
    await expect(
      world.client(MGMT).send(new GetEnvironmentAccountConnectionCommand({ id: created.id })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      world.client(ENV).send(new DeleteEnvironmentAccountConnectionCommand({ id: created.id })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('rejects; a rejected connection is final, and a new one may then be requested', async () => {
    const c = await create(world, 'simple-env-reject');
    const rejected = await world
      .client(MGMT)
      .send(new RejectEnvironmentAccountConnectionCommand({ id: c.id }));
    expect(rejected.environmentAccountConnection?.status).toBe('REJECTED');
    expect(
      (await world.client(MGMT).send(new RejectEnvironmentAccountConnectionCommand({ id: c.id })))
        .environmentAccountConnection?.status,
    ).toBe('REJECTED');
    const accept = world
      .client(MGMT)
      .send(new AcceptEnvironmentAccountConnectionCommand({ id: c.id }));
    await expect(accept).rejects.toBeInstanceOf(ConflictException);
    await expect(accept).rejects.toThrow(/rejected/);
    await expect(
      world
        .client(ENV)
        .send(new UpdateEnvironmentAccountConnectionCommand({ id: c.id, roleArn: SEED_ROLE })),
    ).rejects.toBeInstanceOf(ConflictException);
    const next = await create(world, 'simple-env-reject');
    expect(next.id).not.toBe(c.id);
  });

  it('refuses a second live connection for the same accounts, name and region, naming the first', async () => {
    const first = await create(world, 'only-one');
    const second = create(world, 'only-one');
    await expect(second).rejects.toBeInstanceOf(ConflictException);
    await expect(second).rejects.toThrow(first.id as string);
  });

  it('lets each side do only its part; any other account is told nothing exists', async () => {
    const c = await create(world, 'sides');
    // Each call starts when it is awaited, so no rejection is ever left without a handler.
    const denied = [
      () => world.client(ENV).send(new AcceptEnvironmentAccountConnectionCommand({ id: c.id })),
      () => world.client(ENV).send(new RejectEnvironmentAccountConnectionCommand({ id: c.id })),
      () => world.client(MGMT).send(new DeleteEnvironmentAccountConnectionCommand({ id: c.id })),
      () =>
        world
          .client(MGMT)
          .send(new UpdateEnvironmentAccountConnectionCommand({ id: c.id, roleArn: SEED_ROLE })),
    ];
    for (const call of denied) {
      await expect(call()).rejects.toBeInstanceOf(AccessDeniedException);
    }
    const hidden = [
      () => world.client(OTHER).send(new GetEnvironmentAccountConnectionCommand({ id: c.id })),
      () => world.client(OTHER).send(new AcceptEnvironmentAccountConnectionCommand({ id: c.id })),
      () => world.client(OTHER).send(new DeleteEnvironmentAccountConnectionCommand({ id: c.id })),
    ];
    for (const call of hidden) {
      await expect(call()).rejects.toBeInstanceOf(ResourceNotFoundException);
    }
  });

  it('answers ValidationException naming the field, and writes nothing', async () => {
    const before = await count('environment_account_connections', '"tenantId" = $1', [
      world.tenant.id,
    ]);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ environmentName: 'bad name!' }, /environmentName/],
      [{ managementAccountId: '12345' }, /managementAccountId/],
      [
        { roleArn: 'arn:aws:iam::123456789111:role/NotInTheEnvironmentAccount' },
        /roleArn must be a role in the environment account/,
      ],
      [{ roleArn: undefined }, /at least one of roleArn and codebuildRoleArn/],
      [{ componentRoleArn: 'nope' }, /componentRoleArn/],
      [{ tags: [{ key: 'aws:reserved', value: 'x' }] }, /reserved/],
      [{ tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })) }, /tags/],
    ];
    for (const [override, message] of cases) {
      const call = create(world, 'valid-name', override);
      await expect(call).rejects.toBeInstanceOf(ValidationException);
      await expect(call).rejects.toThrow(message);
    }
    await expect(
      world.client(MGMT).send(new GetEnvironmentAccountConnectionCommand({ id: 'not-a-uuid' })),
    ).rejects.toThrow(/'id' failed to satisfy constraint/);
    expect(
      await count('environment_account_connections', '"tenantId" = $1', [world.tenant.id]),
    ).toBe(before);
  });

  it('updates roles and revalidates them', async () => {
    const c = await create(world, 'updatable');
    const updated = await world.client(ENV).send(
      new UpdateEnvironmentAccountConnectionCommand({
        id: c.id,
        codebuildRoleArn: `arn:aws:iam::${ENV}:role/codebuild-role`,
      }),
    );
    expect(updated.environmentAccountConnection).toMatchObject({
      roleArn: SEED_ROLE,
      codebuildRoleArn: `arn:aws:iam::${ENV}:role/codebuild-role`,
    });
    await waitUntil(
      async () =>
        (await roleStatus(world, c.id as string)).every((r) => r.status === 'VALID') &&
        (await roleStatus(world, c.id as string)).length === 2,
      'both roles VALID',
    );
  });

  it('validates roles asynchronously; accepting a connection with an INVALID role is refused with the reason', async () => {
    await ok(
      'mutation($input: CreateRoleInput!) { createRole(input: $input) { arn } }',
      {
        input: {
          accountId: ENV,
          roleName: 'wrong-source',
          assumeRolePolicyDocument: trustPolicy('proton.amazonaws.com', '999999999999'),
        },
      },
      world.tenant.admin,
    );
    const c = await create(world, 'invalid-role', {
      roleArn: `arn:aws:iam::${ENV}:role/wrong-source`,
    });
    await waitUntil(
      async () => (await roleStatus(world, c.id as string))[0]?.status === 'INVALID',
      'role INVALID',
    );
    const accept = world
      .client(MGMT)
      .send(new AcceptEnvironmentAccountConnectionCommand({ id: c.id }));
    await expect(accept).rejects.toBeInstanceOf(ValidationException);
    await expect(accept).rejects.toThrow(/aws:SourceAccount/);

    // Fixing the role in IAM revalidates it, and the connection can then be accepted.
    await ok(
      'mutation($p: String!) { updateAssumeRolePolicy(input: { accountId: "123456789222", roleName: "wrong-source", policyDocument: $p }) { arn } }',
      { p: trustPolicy('proton.amazonaws.com', MGMT) },
      world.tenant.admin,
    );
    await waitUntil(
      async () => (await roleStatus(world, c.id as string))[0]?.status === 'VALID',
      'role VALID after the IAM change',
    );
    expect(
      (await world.client(MGMT).send(new AcceptEnvironmentAccountConnectionCommand({ id: c.id })))
        .environmentAccountConnection?.status,
    ).toBe('CONNECTED');

    // A role turning INVALID later leaves the connection CONNECTED.
    await ok(
      'mutation { deleteRole(input: { accountId: "123456789222", roleName: "wrong-source" }) { arn } }',
      {},
      world.tenant.admin,
    );
    await waitUntil(
      async () => (await roleStatus(world, c.id as string))[0]?.status === 'INVALID',
      'role INVALID after deletion',
    );
    expect((await roleStatus(world, c.id as string))[0]?.reason).toMatch(/does not exist/);
    expect(
      (await world.client(MGMT).send(new GetEnvironmentAccountConnectionCommand({ id: c.id })))
        .environmentAccountConnection?.status,
    ).toBe('CONNECTED');
  });

  it('lists by side with filters, and pages to the end with nextToken', async () => {
    const w = await protonWorld();
    const names = ['page-a', 'page-b', 'page-c', 'page-d', 'page-e'];
    for (const name of names) {
      await create(w, name);
    }
    const rejected = await create(w, 'page-f');
    await w.client(MGMT).send(new RejectEnvironmentAccountConnectionCommand({ id: rejected.id }));

    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListEnvironmentAccountConnections(
      { client: w.client(MGMT), pageSize: 2 },
      { requestedBy: 'MANAGEMENT_ACCOUNT' },
    )) {
      pages += 1;
      seen.push(
        ...(page.environmentAccountConnections ?? []).map((c) => c.environmentName as string),
      );
      expect(page.environmentAccountConnections?.every((c) => !('codebuildRoleArn' in c))).toBe(
        true,
      );
    }
    expect(seen).toEqual([...names, 'page-f']);
    expect(pages).toBe(3);

    const pending = await w.client(ENV).send(
      new ListEnvironmentAccountConnectionsCommand({
        requestedBy: 'ENVIRONMENT_ACCOUNT',
        statuses: ['REJECTED'],
      }),
    );
    expect(pending.environmentAccountConnections?.map((c) => c.environmentName)).toEqual([
      'page-f',
    ]);
    const byName = await w.client(ENV).send(
      new ListEnvironmentAccountConnectionsCommand({
        requestedBy: 'ENVIRONMENT_ACCOUNT',
        environmentName: 'page-c',
      }),
    );
    expect(byName.environmentAccountConnections).toHaveLength(1);
    // The management side's list is empty for the environment account, and vice versa.
    expect(
      (
        await w
          .client(ENV)
          .send(new ListEnvironmentAccountConnectionsCommand({ requestedBy: 'MANAGEMENT_ACCOUNT' }))
      ).environmentAccountConnections,
    ).toEqual([]);
    const first = await w.client(MGMT).send(
      new ListEnvironmentAccountConnectionsCommand({
        requestedBy: 'MANAGEMENT_ACCOUNT',
        maxResults: 1,
      }),
    );
    const tampered = `${first.nextToken?.slice(0, -4)}AAA=`;
    await expect(
      w.client(MGMT).send(
        new ListEnvironmentAccountConnectionsCommand({
          requestedBy: 'MANAGEMENT_ACCOUNT',
          nextToken: tampered,
        }),
      ),
    ).rejects.toBeInstanceOf(ValidationException);
    await expect(
      w.client(MGMT).send(
        new ListEnvironmentAccountConnectionsCommand({
          requestedBy: 'MANAGEMENT_ACCOUNT',
          maxResults: 101,
        }),
      ),
    ).rejects.toBeInstanceOf(ValidationException);
  });

  it('manages tags on the connection ARN for the environment account only', async () => {
    const c = await create(world, 'tagged', { tags: [{ key: 'team', value: 'platform' }] });
    const env = world.client(ENV);
    await env.send(
      new TagResourceCommand({ resourceArn: c.arn, tags: [{ key: 'cost-center', value: '42' }] }),
    );
    expect((await env.send(new ListTagsForResourceCommand({ resourceArn: c.arn }))).tags).toEqual([
      { key: 'cost-center', value: '42' },
      { key: 'team', value: 'platform' },
    ]);
    await env.send(new UntagResourceCommand({ resourceArn: c.arn, tagKeys: ['team'] }));
    expect((await env.send(new ListTagsForResourceCommand({ resourceArn: c.arn }))).tags).toEqual([
      { key: 'cost-center', value: '42' },
    ]);
    await expect(
      world.client(MGMT).send(new ListTagsForResourceCommand({ resourceArn: c.arn })),
    ).rejects.toBeInstanceOf(AccessDeniedException);
    await expect(
      world.client(OTHER).send(new ListTagsForResourceCommand({ resourceArn: c.arn })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    const tooMany = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    await expect(
      env.send(new TagResourceCommand({ resourceArn: c.arn, tags: tooMany })),
    ).rejects.toThrow(/at most 50 tags/);
    await expect(
      env.send(
        new ListTagsForResourceCommand({
          resourceArn: `arn:aws:proton:us-east-1:${ENV}:environment-account-connection/00000000-0000-4000-8000-000000000000`,
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('keeps a connection in its region: not found elsewhere, and listed only there', async () => {
    const c = await create(world, 'regional');
    const west = (id: string) => world.client(id, { region: 'eu-west-1' });
    await expect(
      west(MGMT).send(new GetEnvironmentAccountConnectionCommand({ id: c.id })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      west(MGMT).send(new AcceptEnvironmentAccountConnectionCommand({ id: c.id })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(
      (
        await west(MGMT).send(
          new ListEnvironmentAccountConnectionsCommand({
            requestedBy: 'MANAGEMENT_ACCOUNT',
            environmentName: 'regional',
          }),
        )
      ).environmentAccountConnections,
    ).toEqual([]);
    // The same name in another region is another connection.
    const inWest = await west(ENV).send(
      new CreateEnvironmentAccountConnectionCommand({
        environmentName: 'regional',
        managementAccountId: MGMT,
        roleArn: SEED_ROLE,
      }),
    );
    expect(inWest.environmentAccountConnection?.arn).toMatch(/^arn:aws:proton:eu-west-1:/);
  });

  it("never lets another tenant's keys see or change a connection, even with the same account ids", async () => {
    const c = await create(world, 'isolated');
    const other = await protonWorld();
    await expect(
      other.client(MGMT).send(new GetEnvironmentAccountConnectionCommand({ id: c.id })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      other.client(MGMT).send(new AcceptEnvironmentAccountConnectionCommand({ id: c.id })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      other.client(ENV).send(new DeleteEnvironmentAccountConnectionCommand({ id: c.id })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    const listed = await other
      .client(MGMT)
      .send(new ListEnvironmentAccountConnectionsCommand({ requestedBy: 'MANAGEMENT_ACCOUNT' }));
    expect(listed.environmentAccountConnections).toEqual([]);
    expect(
      (await world.client(MGMT).send(new GetEnvironmentAccountConnectionCommand({ id: c.id })))
        .environmentAccountConnection?.status,
    ).toBe('PENDING');
  });
});

describe('idempotency and races', () => {
  it('the same client token returns the first connection; other parameters with it are a conflict', async () => {
    const world = await protonWorld();
    const first = await create(world, 'token-env', { clientToken: 'token-1' });
    const retry = await create(world, 'token-env', { clientToken: 'token-1' });
    expect(retry).toEqual(first);
    await expect(create(world, 'another-env', { clientToken: 'token-1' })).rejects.toBeInstanceOf(
      ConflictException,
    );
  });

  it('fifty concurrent creates with one token make one connection', async () => {
    const world = await protonWorld();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => create(world, 'fifty', { clientToken: 'same-token-50' })),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(
      await count('environment_account_connections', '"tenantId" = $1', [world.tenant.id]),
    ).toBe(1);
    expect(await count('connection_transitions', '"tenantId" = $1', [world.tenant.id])).toBe(1);
  });

  it('concurrent accept and reject: exactly one wins, the other is a conflict, history has one transition', async () => {
    const world = await protonWorld();
    for (let round = 0; round < 5; round++) {
      const c = await create(world, `race-${round}`);
      const mgmt = world.client(MGMT);
      // Make the two requests truly concurrent: hold the row lock while both read the connection
      // and reach their compare-and-set, then let them go.
      const blocker = await ownerPool.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query(
          'SELECT 1 FROM environment_account_connections WHERE id = $1 FOR UPDATE',
          [c.id],
        );
        const racing = Promise.allSettled([
          mgmt.send(new AcceptEnvironmentAccountConnectionCommand({ id: c.id })),
          mgmt.send(new RejectEnvironmentAccountConnectionCommand({ id: c.id })),
        ]);
        await waitUntil(async () => {
          const { rows } = await ownerPool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%environment_account_connections%'`,
          );
          return (rows[0]?.n ?? 0) >= 2;
        }, 'both requests waiting on the row');
        await blocker.query('COMMIT');
        const outcomes = await racing;
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]?.reason).toBeInstanceOf(ConflictException);
      } finally {
        blocker.release();
      }
      const transitions = await count(
        'connection_transitions',
        '"connectionId" = $1 AND "fromStatus" IS NOT NULL',
        [c.id],
      );
      expect(transitions).toBe(1);
    }
  });
});

describe('quotas, throttling and the protocol', () => {
  it('enforces the per-tenant connection quota', async () => {
    const world = await protonWorld();
    await ok(
      'mutation { updateTenantSettings(input: { connectionQuota: 2 }) { connectionQuota } }',
      {},
      world.tenant.admin,
    );
    await create(world, 'q1');
    await create(world, 'q2');
    const third = create(world, 'q3');
    await expect(third).rejects.toBeInstanceOf(ServiceQuotaExceededException);
    await expect(third).rejects.toThrow(/quota of 2/);
  });

  it('throttles an account over its rate with ThrottlingException (which the SDK retries)', async () => {
    const world = await protonWorld();
    await ok(
      'mutation { updateTenantSettings(input: { requestsPerSecondPerAccount: 3 }) { requestsPerSecondPerAccount } }',
      {},
      world.tenant.admin,
    );
    const once = world.client(MGMT, { maxAttempts: 1 });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () =>
        once.send(
          new ListEnvironmentAccountConnectionsCommand({ requestedBy: 'MANAGEMENT_ACCOUNT' }),
        ),
      ),
    );
    const throttled = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every((r) => r.reason instanceof ThrottlingException)).toBe(true);
    // Another account of the tenant has its own budget.
    await expect(
      world
        .client(ENV, { maxAttempts: 1 })
        .send(new ListEnvironmentAccountConnectionsCommand({ requestedBy: 'ENVIRONMENT_ACCOUNT' })),
    ).resolves.toBeDefined();
  });

  it('refuses unknown keys, bad signatures and skewed clocks the way AWS does', async () => {
    const world = await protonWorld();
    const key = world.keys[MGMT] as { accessKeyId: string; secretAccessKey: string };
    const body = { requestedBy: 'MANAGEMENT_ACCOUNT' };
    const target = 'AwsProton20200720.ListEnvironmentAccountConnections';

    const good = await rawAws(target, body, key);
    expect(good.status).toBe(200);
    expect(good.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(good.headers.get('content-type')).toMatch(/application\/x-amz-json-1.0/);

    const unknown = await rawAws(target, body, {
      accessKeyId: 'AKIAAAAAAAAAAAAAAAAA',
      secretAccessKey: key.secretAccessKey,
    });
    expect(unknown.status).toBe(403);
    expect(unknown.body.__type).toBe('UnrecognizedClientException');
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnrecognizedClientException');

    const badSig = await rawAws(target, body, { ...key, secretAccessKey: 'not-the-secret' });
    expect(badSig.body).toEqual({
      __type: 'InvalidSignatureException',
      message: expect.stringMatching(/^The request signature we calculated does not match/),
    });

    const skewed = await rawAws(target, body, key, {
      signingDate: new Date(Date.now() - 20 * 60_000),
    });
    expect(skewed.status).toBe(403);
    expect(skewed.body).toEqual({
      __type: 'InvalidSignatureException',
      message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than/),
    });

    const wrongService = await rawAws(target, body, key, { service: 'codecatalyst' });
    expect(wrongService.body.message).toMatch(/scoped to correct service: 'proton'/);

    const missing = await fetch(`${apiUrl()}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
      body: '{}',
    });
    expect(missing.status).toBe(403);
    expect(await missing.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });

    const unknownOp = await rawAws('AwsProton20200720.LaunchRocket', {}, key);
    expect(unknownOp.status).toBe(400);
    expect(unknownOp.body.__type).toBe('UnknownOperationException');

    const notJson = await rawAws(target, 'just a string', key);
    expect(notJson.body.__type).toBe('SerializationException');
  });

  it('refuses impossible dates and signatures that leave out the operation', async () => {
    const world = await protonWorld();
    const key = world.keys[MGMT] as { accessKeyId: string; secretAccessKey: string };
    const body = { requestedBy: 'MANAGEMENT_ACCOUNT' };
    const target = 'AwsProton20200720.ListEnvironmentAccountConnections';
    // 99:99:99 is no time of day: before, it passed both skew checks and never expired.
    const timeless = await rawAws(target, body, key, {
      tamper: (headers) => {
        headers['x-amz-date'] = `${headers['x-amz-date']!.slice(0, 8)}T999999Z`;
      },
    });
    expect(timeless.status).toBe(400);
    expect(timeless.body).toEqual({
      __type: 'IncompleteSignatureException',
      message: expect.stringMatching(
        /^Date must be in ISO-8601 'basic format'\. Got '\d{8}T999999Z'/,
      ),
    });
    // A signature that does not cover X-Amz-Target would be good for any operation.
    const anyOperation = await rawAws(target, body, key, { unsigned: ['x-amz-target'] });
    expect(anyOperation.status).toBe(400);
    expect(anyOperation.body).toEqual({
      __type: 'IncompleteSignatureException',
      message: "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.",
    });
  });

  it('answers epoch-second timestamps on the wire', async () => {
    const world = await protonWorld();
    const key = world.keys[ENV] as { accessKeyId: string; secretAccessKey: string };
    const res = await rawAws(
      'AwsProton20200720.CreateEnvironmentAccountConnection',
      {
        environmentName: 'wire',
        managementAccountId: MGMT,
        roleArn: SEED_ROLE,
        codebuildRoleArn: `arn:aws:iam::${ENV}:role/codebuild-role`,
      },
      key,
    );
    const connection = res.body.environmentAccountConnection as Record<string, unknown>;
    expect(typeof connection.requestedAt).toBe('number');
    expect(Math.abs((connection.requestedAt as number) - Date.now() / 1000)).toBeLessThan(60);
    expect(Object.keys(connection).sort()).toEqual(
      [
        'arn',
        'codebuildRoleArn',
        'environmentAccountId',
        'environmentName',
        'id',
        'lastModifiedAt',
        'managementAccountId',
        'requestedAt',
        'roleArn',
        'status',
      ].sort(),
    );
  });
});
