import WebSocket from 'ws';
import { apiUrl, createAccount, createTenant, accountKey, gql } from './test/client';
import { TEST_PORTAL_ORIGIN } from './test/stack';

const OTHER_ORIGIN = 'http://evil.test:8080';

function preflight(origin: string, path = '/graphql'): Promise<Response> {
  return fetch(`${apiUrl()}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type, x-aws-region',
    },
  });
}

function corsHeadersOf(res: Response): Record<string, string> {
  return Object.fromEntries(
    [...res.headers].filter(([name]) => name.startsWith('access-control-')),
  );
}

/** Opens a WebSocket to /graphql with an Origin (as a browser sends it); how the upgrade ended. */
function upgrade(origin?: string): Promise<{ opened: boolean; status?: number }> {
  const ws = new WebSocket(`${apiUrl().replace('http', 'ws')}/graphql`, 'graphql-transport-ws', {
    ...(origin ? { origin } : {}),
  });
  return new Promise((resolve) => {
    ws.on('open', () => {
      ws.close();
      resolve({ opened: true });
    });
    ws.on('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode }));
    ws.on('error', () => resolve({ opened: false }));
  });
}

/** CORS_ORIGINS (the test stack allows http://portal.test:8080) on both edges and graphql-ws. */
describe('CORS for browser apps', () => {
  it("answers an allowed origin's preflight with exactly the methods and headers the API reads", async () => {
    for (const path of ['/graphql', '/']) {
      const res = await preflight(TEST_PORTAL_ORIGIN, path);
      expect(res.status).toBe(204);
      expect(corsHeadersOf(res)).toEqual({
        'access-control-allow-origin': TEST_PORTAL_ORIGIN,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers':
          'authorization, content-type, x-aws-region, x-amz-date, x-amz-target, x-amz-content-sha256, x-amz-security-token, x-amz-user-agent, amz-sdk-invocation-id, amz-sdk-request',
        'access-control-max-age': '600',
      });
      expect(res.headers.get('vary')).toMatch(/Origin/);
    }
  });

  it('lets an allowed page read answers, and gives another origin no CORS header at all', async () => {
    const tenant = await createTenant('cors');
    const accountId = await createAccount(tenant);
    const key = await accountKey(tenant, accountId);
    const allowed = await gql(
      '{ me { kind } }',
      {},
      { ...key, headers: { origin: TEST_PORTAL_ORIGIN } },
    );
    expect(allowed.data).toEqual({ me: { kind: 'ACCOUNT' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(TEST_PORTAL_ORIGIN);
    expect(allowed.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);

    const other = await gql('{ me { kind } }', {}, { ...key, headers: { origin: OTHER_ORIGIN } });
    expect(corsHeadersOf(new Response(null, { headers: other.headers }))).toEqual({});
    const refused = await preflight(OTHER_ORIGIN);
    expect(corsHeadersOf(refused)).toEqual({});
    expect(refused.status).not.toBe(204);
    // Without an Origin (curl, SDKs, servers) nothing changes.
    const plain = await gql('{ me { kind } }', {}, key);
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('opens subscription sockets for an allowed origin or none, and refuses other origins at the upgrade', async () => {
    expect(await upgrade(TEST_PORTAL_ORIGIN)).toEqual({ opened: true });
    expect(await upgrade()).toEqual({ opened: true });
    expect(await upgrade(OTHER_ORIGIN)).toEqual({ opened: false, status: 403 });
  });
});
