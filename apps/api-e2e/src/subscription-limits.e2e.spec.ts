import WebSocket from 'ws';
import { apiUrl, createTenant, ok, refusedConnection, TestTenant, wsClient } from './test/client';
import { waitFor } from './test/stack';

const TENANT_EVENTS = 'subscription { tenantEvents { type } }';

/** A raw graphql-ws socket, to send what a well-behaved client never would. */
function rawSocket(): Promise<{
  ws: WebSocket;
  closed: Promise<{ code: number; reason: string }>;
}> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${apiUrl().replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      ws.on('close', (code, reason) => done({ code, reason: reason.toString() })),
    );
    ws.on('open', () => resolve({ ws, closed }));
    ws.on('error', reject);
  });
}

/** Subscribes on an acknowledged connection; resolves with the `error` payload or the first `next`. */
async function firstAnswer(token: string, query: string, count = 1): Promise<unknown[]> {
  const client = wsClient({ token });
  try {
    const answers: unknown[] = [];
    await new Promise<void>((resolve) => {
      for (let i = 0; i < count; i++) {
        client.subscribe(
          { query },
          {
            next: (value) => answers.push(value),
            error: (error) => {
              answers.push(error);
              resolve();
            },
            complete: () => undefined,
          },
        );
      }
      setTimeout(resolve, 2_000);
    });
    return answers;
  } finally {
    await client.dispose();
  }
}

describe('subscription limits (graphql-ws)', () => {
  let tenant: TestTenant;
  let token: string;

  beforeAll(async () => {
    tenant = await createTenant('ws-limits');
    token = tenant.admin.token as string;
  });

  it('closes a socket whose connection_init payload is over 8 KB', async () => {
    const closed = await refusedConnection({}, TENANT_EVENTS, {
      authorization: `Bearer ${token}`,
      padding: 'x'.repeat(9_000),
    });
    expect(closed).toEqual({ code: 4413, reason: expect.stringMatching(/over 8192 bytes/) });
  });

  it('does not read a message over 1 MB: ws closes the socket with 1009 before anything parses it', async () => {
    const { ws, closed } = await rawSocket();
    ws.send(
      JSON.stringify({ type: 'connection_init', payload: { padding: 'x'.repeat(1_100_000) } }),
    );
    expect((await closed).code).toBe(1009);
  });

  it('refuses a subscribe document over the token limit, and one over the alias limit', async () => {
    const tokens = await firstAnswer(
      token,
      `subscription { tenantEvents { ${Array.from({ length: 2_000 }, (_, i) => `a${i}: type`).join(' ')} } }`,
    );
    expect(tokens[0]).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/5000 tokens/),
        extensions: { code: 'BAD_USER_INPUT', reason: 'GRAPHQL_PARSE_FAILED' },
      }),
    ]);
    const aliases = await firstAnswer(
      token,
      `subscription { tenantEvents { ${Array.from({ length: 31 }, (_, i) => `a${i}: type`).join(' ')} } }`,
    );
    expect(aliases[0]).toEqual([
      expect.objectContaining({
        extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit: 'aliases', max: 30, actual: 31 },
      }),
    ]);
  });

  it('holds at most 50 subscriptions on one connection', async () => {
    const answers = await firstAnswer(token, TENANT_EVENTS, 51);
    expect(answers).toEqual([
      [
        expect.objectContaining({
          extensions: expect.objectContaining({
            code: 'QUERY_LIMIT_EXCEEDED',
            limit: 'subscriptionsPerConnection',
            max: 50,
          }),
        }),
      ],
    ]);
  });

  it("closes a revoked key's subscriptions within a second", async () => {
    const key = await ok<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      'mutation { createApiKey(input: {}) { key apiKey { id } } }',
      {},
      tenant.admin,
    );
    const client = wsClient({ token: key.createApiKey.key });
    let closedWith: number | null = null;
    client.on('closed', (event) => {
      closedWith = (event as { code: number }).code;
    });
    client.subscribe(
      { query: TENANT_EVENTS },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );
    await new Promise((r) => setTimeout(r, 300));
    const revokedAt = Date.now();
    await ok(
      'mutation($id: ID!) { revokeApiKey(id: $id) { id } }',
      { id: key.createApiKey.apiKey.id },
      tenant.admin,
    );
    await waitFor(async () => closedWith !== null, 'the revoked key’s socket to close', 1_000);
    expect(closedWith).toBe(4401);
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
    await client.dispose();
  });
});
