import { createServer } from 'node:net';
import { ChildProcess } from 'node:child_process';
import { ListEnvironmentAccountConnectionsCommand, ProtonClient } from '@aws-sdk/client-proton';
import { createAccount, createTenant, ok, TestTenant } from './test/client';
import { accessKey } from './test/proton';
import { spawnApp, waitFor } from './test/stack';

/**
 * Credentials are cached in each API process; a revocation must still reach every instance
 * within a second (Redis pub/sub), not only the one that made it.
 */
describe('credential cache across API instances', () => {
  let second: ChildProcess;
  let secondUrl: string;
  let tenant: TestTenant;
  const ACCOUNT = '123456789444';

  beforeAll(async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    second = spawnApp('api', { PORT: String(port), HOST: '127.0.0.1' });
    secondUrl = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => (await fetch(`${secondUrl}/health/ready`)).status === 200,
      'the second API instance',
    );
    tenant = await createTenant('auth-cache');
    await createAccount(tenant, ACCOUNT);
  });

  afterAll(() => {
    second.kill('SIGTERM');
  });

  async function meOnSecond(token: string): Promise<{ status: number; code?: string }> {
    const res = await fetch(`${secondUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { kind } }' }),
    });
    const body = (await res.json()) as {
      data?: { me?: { kind: string } } | null;
      errors?: { extensions?: { code?: string } }[];
    };
    return { status: res.status, code: body.errors?.[0]?.extensions?.code ?? body.data?.me?.kind };
  }

  /** How long after `revoked` the second instance first refuses (polling every 20 ms). */
  async function refusedWithin(check: () => Promise<boolean>, revoked: number): Promise<number> {
    for (;;) {
      if (await check()) {
        return Date.now() - revoked;
      }
      if (Date.now() - revoked > 5_000) {
        return Infinity;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('refuses an API key on the second instance within a second of its revocation on the first', async () => {
    const created = await ok<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      'mutation($id: String) { createApiKey(input: { accountId: $id }) { key apiKey { id } } }',
      { id: ACCOUNT },
      tenant.admin,
    );
    const key = created.createApiKey.key;
    // Warm the second instance's cache: it now answers without the database.
    expect(await meOnSecond(key)).toEqual({ status: 200, code: 'ACCOUNT' });
    expect(await meOnSecond(key)).toEqual({ status: 200, code: 'ACCOUNT' });

    await ok(
      'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }',
      { id: created.createApiKey.apiKey.id },
      tenant.admin,
    );
    const revoked = Date.now();
    const elapsed = await refusedWithin(
      async () => (await meOnSecond(key)).code === 'UNAUTHENTICATED',
      revoked,
    );
    expect(elapsed).toBeLessThan(1_000);
    // And it stays refused (no stale entry comes back).
    expect((await meOnSecond(key)).code).toBe('UNAUTHENTICATED');
  });

  it('refuses a deleted access key on the second instance within a second (AWS edge)', async () => {
    const key = await accessKey(tenant, ACCOUNT);
    const client = new ProtonClient({
      endpoint: secondUrl,
      region: 'us-east-1',
      credentials: key,
      maxAttempts: 1,
    });
    const list = () =>
      client.send(
        new ListEnvironmentAccountConnectionsCommand({ requestedBy: 'ENVIRONMENT_ACCOUNT' }),
      );
    expect((await list()).environmentAccountConnections).toEqual([]);

    await ok(
      'mutation($id: String!) { deleteAccessKey(accessKeyId: $id) { accessKeyId } }',
      { id: key.accessKeyId },
      tenant.admin,
    );
    const revoked = Date.now();
    const elapsed = await refusedWithin(
      () =>
        list().then(
          () => false,
          (error: Error) => error.name === 'UnrecognizedClientException',
        ),
      revoked,
    );
    expect(elapsed).toBeLessThan(1_000);
  });
});
