import { request } from 'node:http';
import { createServer } from 'node:net';
import { ChildProcess } from 'node:child_process';
import { ListEnvironmentAccountConnectionsCommand, ProtonClient } from '@aws-sdk/client-proton';
import { createAccount, createTenant, ok, TestTenant } from './test/client';
import { accessKey } from './test/proton';
import { spawnApp, waitFor } from './test/stack';

/**
 * Credentials and tenant settings are cached in each API process; a revocation or a change must
 * still reach every instance within a second (Redis pub/sub), not only the one that made it. The
 * second instance is a cluster of two processes (API_PROCESSES=2), so it also checks that the
 * processes of one instance stay in step and that its metrics add up both.
 */
describe('caches across API instances and processes', () => {
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
    second = spawnApp('api', { PORT: String(port), HOST: '127.0.0.1', API_PROCESSES: '2' });
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

  /** One request on a connection of its own: the cluster gives each connection to a process in turn. */
  function onNewConnection(path: string, token?: string, body?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${secondUrl}${path}`,
        {
          agent: false,
          method: body ? 'POST' : 'GET',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

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
    // And it stays refused in both processes (no stale entry comes back).
    for (let i = 0; i < 6; i++) {
      expect((await meOnSecond(key)).code).toBe('UNAUTHENTICATED');
    }
  });

  it("applies a tenant's new settings on the second instance within a second", async () => {
    const key = (
      await ok<{ createApiKey: { key: string } }>(
        'mutation($id: String) { createApiKey(input: { accountId: $id }) { key } }',
        { id: ACCOUNT },
        tenant.admin,
      )
    ).createApiKey.key;
    const listOnSecond = async () => {
      const text = await onNewConnection(
        '/graphql',
        key,
        JSON.stringify({
          query:
            '{ environmentAccountConnections(requestedBy: ENVIRONMENT_ACCOUNT) { edges { cursor } } }',
        }),
      );
      const body = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
      return body.errors?.[0]?.extensions?.code ?? 'OK';
    };
    // Both processes read (and cache) the default rate of 100 requests a second.
    for (let i = 0; i < 4; i++) {
      expect(await listOnSecond()).toBe('OK');
    }
    await ok(
      'mutation { updateTenantSettings(input: { requestsPerSecondPerAccount: 1 }) { requestsPerSecondPerAccount } }',
      {},
      tenant.admin,
    );
    const changed = Date.now();
    const elapsed = await refusedWithin(async () => {
      const codes = await Promise.all([listOnSecond(), listOnSecond(), listOnSecond()]);
      return codes.includes('THROTTLED');
    }, changed);
    expect(elapsed).toBeLessThan(1_000);
    await ok(
      'mutation { updateTenantSettings(input: { requestsPerSecondPerAccount: 100 }) { requestsPerSecondPerAccount } }',
      {},
      tenant.admin,
    );
  });

  it("adds up both processes' metrics", async () => {
    const served = async () => {
      const text = await onNewConnection('/metrics');
      return text
        .split('\n')
        .filter(
          (line) =>
            line.startsWith('accountlink_http_requests_total{') &&
            line.includes('route="/health/live"'),
        )
        .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
    };
    const before = await served();
    for (let i = 0; i < 20; i++) {
      await onNewConnection('/health/live');
    }
    // Connections go to the processes in turn: one process alone would have counted about half.
    expect((await served()) - before).toBe(20);
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
