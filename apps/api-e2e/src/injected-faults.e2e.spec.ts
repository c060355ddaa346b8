import {
  CreateEnvironmentAccountConnectionCommand,
  GetEnvironmentAccountConnectionCommand,
  InternalServerException,
  ListEnvironmentAccountConnectionsCommand,
  ThrottlingException,
} from '@aws-sdk/client-proton';
import { apiUrl, fails, gql, ok, TestTenant } from './test/client';
import { MGMT, ENV, protonWorld, ProtonWorld, SEED_ROLE } from './test/proton';

async function setFaults(tenant: TestTenant, rules: unknown[]): Promise<void> {
  await ok(
    'mutation($rules: [FaultRuleInput!]) { updateTenantSettings(input: { faultInjection: $rules, requestsPerSecondPerAccount: 100000 }) { faultInjection { operations } } }',
    { rules },
    tenant.admin,
  );
}

/** This API process's count of injected faults of a kind (its /metrics). */
async function injected(kind: string): Promise<number> {
  const text = await (await fetch(`${apiUrl()}/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) => l.startsWith('accountlink_injected_faults_total{') && l.includes(`kind="${kind}"`),
    );
  return line ? Number(line.split(' ').at(-1)) : 0;
}

function createConnection(world: ProtonWorld, environmentName: string, maxAttempts = 1) {
  return world.client(ENV, { maxAttempts }).send(
    new CreateEnvironmentAccountConnectionCommand({
      environmentName,
      managementAccountId: MGMT,
      roleArn: SEED_ROLE,
    }),
  );
}

/**
 * Fault injection for the tenant's own clients (the tenant setting `faultInjection`): latency and
 * errors on the AWS edge and on GraphQL's root fields, decided before the operation runs.
 */
describe('injected faults', () => {
  it("lets the SDK's standard retries ride through 30% injected throttling, every operation succeeding", async () => {
    const world = await protonWorld();
    await setFaults(world.tenant, [
      { operations: 'ListEnvironmentAccountConnections', throttlingRate: 0.3 },
    ]);
    const before = await injected('ThrottlingException');
    const client = world.client(MGMT, { maxAttempts: 10 });
    const attempts: number[] = [];
    for (let round = 0; round < 10; round++) {
      const outputs = await Promise.all(
        Array.from({ length: 10 }, () =>
          client.send(
            new ListEnvironmentAccountConnectionsCommand({ requestedBy: 'MANAGEMENT_ACCOUNT' }),
          ),
        ),
      );
      attempts.push(...outputs.map((o) => o.$metadata.attempts ?? 1));
    }
    const total = attempts.reduce((a, b) => a + b, 0);
    const retries = total - attempts.length;
    const throttled = (await injected('ThrottlingException')) - before;
    console.log(
      `100 operations, ${total} attempts, ${retries} retries; ${throttled} throttled by injection (${((100 * throttled) / total).toFixed(1)}% of attempts)`,
    );
    expect(attempts).toHaveLength(100);
    // Each injected throttle cost exactly one retry, and the share is the configured one.
    expect(throttled).toBe(retries);
    expect(retries / total).toBeGreaterThan(0.15);
    expect(retries / total).toBeLessThan(0.45);
  }, 60_000);

  it('answers injected errors in AWS wire shapes, writing nothing, and only for the tenant that asked', async () => {
    const world = await protonWorld();
    const other = await protonWorld();
    await setFaults(world.tenant, [
      { operations: 'CreateEnvironmentAccountConnection', internalErrorRate: 1 },
      { operations: 'List*', unavailableRate: 1 },
    ]);
    const internal = await createConnection(world, 'never').catch((e: unknown) => e);
    expect(internal).toBeInstanceOf(InternalServerException);
    expect((internal as InternalServerException).$metadata.httpStatusCode).toBe(500);
    expect((internal as Error).message).toMatch(
      /Injected by the tenant's fault injection settings/,
    );
    const unavailable = await world
      .client(ENV, { maxAttempts: 1 })
      .send(new ListEnvironmentAccountConnectionsCommand({ requestedBy: 'ENVIRONMENT_ACCOUNT' }))
      .catch((e: unknown) => e);
    expect((unavailable as { name: string }).name).toBe('ServiceUnavailableException');
    expect(
      (unavailable as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode,
    ).toBe(503);
    // The other tenant is not concerned; and nothing was written for the refused create.
    await expect(createConnection(other, 'unaffected')).resolves.toBeDefined();
    await setFaults(world.tenant, []);
    const listed = await world
      .client(ENV)
      .send(new ListEnvironmentAccountConnectionsCommand({ requestedBy: 'ENVIRONMENT_ACCOUNT' }));
    expect(listed.environmentAccountConnections).toEqual([]);
    await expect(createConnection(world, 'now-it-works')).resolves.toBeDefined();
  }, 30_000);

  it('applies the same rules to GraphQL root fields, before anything is written', async () => {
    const world = await protonWorld();
    await setFaults(world.tenant, [
      { operations: 'accounts', throttlingRate: 1 },
      { operations: 'create*', internalErrorRate: 1 },
    ]);
    const accounts = '{ accounts(first: 50) { edges { node { accountId } } } }';
    const throttled = await gql(accounts, {}, world.tenant.admin);
    expect(throttled.errors?.[0]).toMatchObject({
      message: "Injected by the tenant's fault injection settings (accounts: ThrottlingException)",
      extensions: { code: 'THROTTLED' },
    });
    expect(throttled.data ?? null).toBeNull();
    const refused = await gql(
      'mutation { createAccount(input: { accountId: "123456789999" }) { accountId } }',
      {},
      world.tenant.admin,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    // Other root fields are not concerned; the settings can always be read and changed.
    expect(await ok('{ me { kind } }', {}, world.tenant.admin)).toEqual({
      me: { kind: 'TENANT_ADMIN' },
    });
    await setFaults(world.tenant, [{ operations: '*', throttlingRate: 1 }]);
    expect(await gql('{ me { kind } }', {}, world.tenant.admin)).toMatchObject({
      errors: [{ extensions: { code: 'THROTTLED' } }],
    });
    await setFaults(world.tenant, []);
    const after = await ok<{ accounts: { edges: { node: { accountId: string } }[] } }>(
      accounts,
      {},
      world.tenant.admin,
    );
    expect(after.accounts.edges.map((e) => e.node.accountId)).not.toContain('123456789999');
  });

  it('delays the matching operations by the injected latency', async () => {
    const world = await protonWorld();
    const created = await createConnection(world, 'slow');
    const id = created.environmentAccountConnection?.id;
    await setFaults(world.tenant, [
      {
        operations: 'GetEnvironmentAccountConnection',
        latency: { distribution: 'FIXED', ms: 300 },
      },
    ]);
    const started = performance.now();
    await world.client(ENV).send(new GetEnvironmentAccountConnectionCommand({ id }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('refuses rules that cannot be applied, naming the member, and keeps the ones it has', async () => {
    const world = await protonWorld();
    await setFaults(world.tenant, [{ operations: 'List*', throttlingRate: 0.5 }]);
    expect(
      await fails(
        'mutation { updateTenantSettings(input: { faultInjection: [{ operations: "*", throttlingRate: 0.7, unavailableRate: 0.7 }] }) { requestsPerSecondPerAccount } }',
        {},
        world.tenant.admin,
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'faultInjection.0' });
    expect(
      await fails(
        'mutation { updateTenantSettings(input: { faultInjection: [{ operations: "*", latency: { distribution: UNIFORM, minMs: 5 } }] }) { requestsPerSecondPerAccount } }',
        {},
        world.tenant.admin,
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'faultInjection.0.latency.maxMs' });
    expect(
      await ok(
        '{ tenantSettings { faultInjection { operations throttlingRate latency { distribution } } } }',
        {},
        world.tenant.admin,
      ),
    ).toEqual({
      tenantSettings: {
        faultInjection: [{ operations: 'List*', throttlingRate: 0.5, latency: null }],
      },
    });
    // A refusal the SDK would retry is still a ThrottlingException with its class.
    const throttled = await Promise.all(
      Array.from({ length: 10 }, () =>
        world
          .client(MGMT, { maxAttempts: 1 })
          .send(new ListEnvironmentAccountConnectionsCommand({ requestedBy: 'MANAGEMENT_ACCOUNT' }))
          .catch((e: unknown) => e),
      ),
    );
    expect(throttled.filter((r) => r instanceof ThrottlingException).length).toBeGreaterThan(0);
  });
});
