import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  ListEnvironmentAccountConnectionsCommand,
  ProtonClient,
  ProtonServiceException,
} from '@aws-sdk/client-proton';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { OUTSIDE_TENANT_PATH } from '@accountlink/tenancy';
import { launchChromium } from './test/browser';
import {
  accountKey,
  apiUrl,
  CallOptions,
  createAccount,
  createTenant,
  fails,
  gql,
  ok,
  OPERATOR,
  refusedConnection,
  subscribe,
  TestTenant,
} from './test/client';
import { accessKey, AccessKey } from './test/proton';
import { TEST_PORTAL_ORIGIN } from './test/stack';

const PARTNER_ORIGIN = 'https://portal.partner.test:8443';
const SETTINGS = 'corsOrigins';

function tenantPath(tenant: TestTenant | string): string {
  return `${apiUrl()}/tenants/${typeof tenant === 'string' ? tenant : tenant.id}`;
}

function preflight(url: string, origin: string): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });
}

function corsHeadersOf(res: { headers: Headers }): Record<string, string> {
  return Object.fromEntries(
    [...res.headers].filter(([name]) => name.startsWith('access-control-')),
  );
}

async function setOrigins(tenant: TestTenant, origins: string[]): Promise<string[]> {
  const data = await ok<{ updateTenantSettings: { corsOrigins: string[] } }>(
    `mutation($o: [String!]) { updateTenantSettings(input: { ${SETTINGS}: $o }) { corsOrigins } }`,
    { o: origins },
    tenant.admin,
  );
  return data.updateTenantSettings.corsOrigins;
}

function upgrade(url: string, origin: string): Promise<{ opened: boolean; status?: number }> {
  const ws = new WebSocket(url.replace('http', 'ws'), 'graphql-transport-ws', { origin });
  return new Promise((resolve) => {
    ws.on('open', () => {
      ws.close();
      resolve({ opened: true });
    });
    ws.on('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode }));
    ws.on('error', () => resolve({ opened: false }));
  });
}

async function until(check: () => Promise<boolean>, timeoutMs = 3_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/**
 * A tenant's own allowed origins (its `corsOrigins` setting) apply on its path, /tenants/{id}/…,
 * where only its credentials are taken: a preflight carries no key, so the path says whose list
 * it is read against, and the plain paths keep CORS_ORIGINS alone.
 */
describe("a tenant's allowed origins, on the tenant's path", () => {
  let tenant: TestTenant;
  let other: TestTenant;
  let key: CallOptions;
  let otherKey: CallOptions;
  let keys: AccessKey;
  let otherKeys: AccessKey;

  beforeAll(async () => {
    tenant = await createTenant('cors-tenant');
    other = await createTenant('cors-other');
    const account = await createAccount(tenant);
    const otherAccount = await createAccount(other);
    key = await accountKey(tenant, account);
    otherKey = await accountKey(other, otherAccount);
    keys = await accessKey(tenant, account);
    otherKeys = await accessKey(other, otherAccount);
    expect(await setOrigins(tenant, ['HTTPS://Portal.Partner.test:8443/', PARTNER_ORIGIN])).toEqual(
      [PARTNER_ORIGIN],
    );
  });

  it('keeps the setting in the form browsers send Origin, and refuses a bad entry changing nothing', async () => {
    const refused = await fails(
      `mutation { updateTenantSettings(input: { ${SETTINGS}: ["https://ok.test", "https://*.partner.test"] }) { corsOrigins } }`,
      {},
      tenant.admin,
    );
    expect(refused).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'corsOrigins.1',
      message: expect.stringMatching(/^corsOrigins\.1 must be an origin such as https:\/\//),
    });
    const kept = await ok<{ tenantSettings: { corsOrigins: string[] } }>(
      '{ tenantSettings { corsOrigins } }',
      {},
      tenant.admin,
    );
    expect(kept.tenantSettings.corsOrigins).toEqual([PARTNER_ORIGIN]);
    // Another tenant's settings are its own.
    const others = await ok<{ tenantSettings: { corsOrigins: string[] } }>(
      '{ tenantSettings { corsOrigins } }',
      {},
      other.admin,
    );
    expect(others.tenantSettings.corsOrigins).toEqual([]);
  });

  it("answers the tenant's origin's preflight on its path only", async () => {
    for (const url of [`${tenantPath(tenant)}/graphql`, `${tenantPath(tenant)}/`]) {
      const res = await preflight(url, PARTNER_ORIGIN);
      expect(res.status).toBe(204);
      expect(corsHeadersOf(res)).toEqual({
        'access-control-allow-origin': PARTNER_ORIGIN,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers':
          'authorization, content-type, x-aws-region, x-amz-date, x-amz-target, x-amz-content-sha256, x-amz-security-token, x-amz-user-agent, amz-sdk-invocation-id, amz-sdk-request',
        'access-control-max-age': '600',
      });
    }
    // The plain path, another tenant's path and a tenant that does not exist: no CORS at all,
    // the same answer whether the tenant exists or not.
    for (const url of [
      `${apiUrl()}/graphql`,
      `${tenantPath(other)}/graphql`,
      `${tenantPath(randomUUID())}/graphql`,
    ]) {
      const res = await preflight(url, PARTNER_ORIGIN);
      expect(corsHeadersOf(res)).toEqual({});
      expect(res.status).not.toBe(204);
    }
    // CORS_ORIGINS applies on every path.
    const global = await preflight(`${tenantPath(other)}/graphql`, TEST_PORTAL_ORIGIN);
    expect(global.status).toBe(204);
    expect(global.headers.get('access-control-allow-origin')).toBe(TEST_PORTAL_ORIGIN);
  });

  it("takes only the tenant's keys on its path, refusing others in words that name no tenant", async () => {
    const path = { url: tenantPath(tenant), headers: { origin: PARTNER_ORIGIN } };
    const read = await gql('{ me { kind tenant { id } } }', {}, { ...key, ...path });
    expect(read.data).toEqual({ me: { kind: 'ACCOUNT', tenant: { id: tenant.id } } });
    expect(read.headers.get('access-control-allow-origin')).toBe(PARTNER_ORIGIN);

    for (const credential of [otherKey, other.admin, OPERATOR]) {
      const refused = await fails('{ me { kind } }', {}, { ...credential, ...path });
      expect(refused.code).toBe('UNAUTHENTICATED');
      expect(refused.message).toBe(OUTSIDE_TENANT_PATH);
      expect(refused.message).not.toContain(tenant.id);
      expect(refused.message).not.toContain(tenant.name);
    }
    // The plain path is unchanged for every key; from the tenant's origin it has no CORS header.
    const plain = await gql(
      '{ me { kind } }',
      {},
      { ...otherKey, headers: { origin: PARTNER_ORIGIN } },
    );
    expect(plain.data).toEqual({ me: { kind: 'ACCOUNT' } });
    expect(corsHeadersOf(plain)).toEqual({});
  });

  it('serves the AWS JSON and S3 endpoints on the path too, signed as sent', async () => {
    const proton = (credentials: AccessKey) =>
      new ProtonClient({
        endpoint: tenantPath(tenant),
        region: 'us-east-1',
        credentials,
        maxAttempts: 1,
      });
    const listed = await proton(keys).send(
      new ListEnvironmentAccountConnectionsCommand({ requestedBy: 'MANAGEMENT_ACCOUNT' }),
    );
    expect(listed.environmentAccountConnections).toEqual([]);
    const refused = await proton(otherKeys)
      .send(new ListEnvironmentAccountConnectionsCommand({ requestedBy: 'MANAGEMENT_ACCOUNT' }))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProtonServiceException);
    expect((refused as ProtonServiceException).name).toBe('UnrecognizedClientException');

    const s3 = (credentials: AccessKey) =>
      new S3Client({
        endpoint: tenantPath(tenant),
        region: 'us-east-1',
        forcePathStyle: true,
        credentials,
        maxAttempts: 1,
      });
    const bucket = `cors-${randomUUID().slice(0, 8)}`;
    await s3(keys).send(new CreateBucketCommand({ Bucket: bucket }));
    const buckets = await s3(keys).send(new ListBucketsCommand({}));
    expect(buckets.Buckets?.map((b) => b.Name)).toEqual([bucket]);
    const s3Refused = await s3(otherKeys)
      .send(new ListBucketsCommand({}))
      .catch(
        (error: unknown) => error as { name: string; $metadata?: { httpStatusCode?: number } },
      );
    expect(s3Refused).toMatchObject({ $metadata: { httpStatusCode: 403 } });
  });

  it("opens subscription sockets from the tenant's origin on its path, for its keys only", async () => {
    expect(await upgrade(`${tenantPath(tenant)}/graphql`, PARTNER_ORIGIN)).toEqual({
      opened: true,
    });
    expect(await upgrade(`${apiUrl()}/graphql`, PARTNER_ORIGIN)).toEqual({
      opened: false,
      status: 403,
    });
    expect(await upgrade(`${tenantPath(other)}/graphql`, PARTNER_ORIGIN)).toEqual({
      opened: false,
      status: 403,
    });
    const query = 'subscription { environmentAccountConnectionChanged { id status } }';
    expect(await refusedConnection({ ...key, url: tenantPath(tenant) }, query)).toBeNull();
    expect(await refusedConnection({ ...otherKey, url: tenantPath(tenant) }, query)).toEqual({
      code: 4403,
      reason: expect.stringMatching(/^Forbidden/),
    });
    const live = await subscribe({ ...key, url: tenantPath(tenant) }, query);
    expect(live.errors).toEqual([]);
    await live.close();
  });

  it('follows a change of the setting at once', async () => {
    const scratch = await createTenant('cors-change');
    const url = `${tenantPath(scratch)}/graphql`;
    expect(corsHeadersOf(await preflight(url, PARTNER_ORIGIN))).toEqual({});
    await setOrigins(scratch, [PARTNER_ORIGIN]);
    expect(await until(async () => (await preflight(url, PARTNER_ORIGIN)).status === 204)).toBe(
      true,
    );
    await setOrigins(scratch, []);
    expect(await until(async () => (await preflight(url, PARTNER_ORIGIN)).status !== 204)).toBe(
      true,
    );
  });
});

/** What a page of the partner's origin could do, in Chromium: the browser enforces CORS. */
describe("a partner's page on another origin, in Chromium", () => {
  let browser: Browser;
  let page: Page;
  let site: Server;
  let tenant: TestTenant;
  let key: CallOptions;

  beforeAll(async () => {
    site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><html lang="en"><title>Partner</title><h1>Partner portal</h1></html>',
      );
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    tenant = await createTenant('cors-browser');
    key = await accountKey(tenant, await createAccount(tenant));
    await setOrigins(tenant, [origin]);
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${origin}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
  });

  /** fetch from the page: the answer's data, or the browser's refusal. */
  function fetchFromPage(url: string): Promise<unknown> {
    return page.evaluate(
      async ({ url, token }) => {
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ query: '{ me { kind } }' }),
          });
          return (await res.json()) as unknown;
        } catch (error) {
          return `refused: ${(error as Error).name}`;
        }
      },
      { url, token: key.token as string },
    );
  }

  /** graphql-ws from the page by hand: connection_init, then what the server did. */
  function socketFromPage(url: string): Promise<string> {
    return page.evaluate(
      ({ url, token }) =>
        new Promise<string>((resolve) => {
          // The page's WebSocket (window's: the module's import of ws is not in the page).
          const socket = new window.WebSocket(url, 'graphql-transport-ws');
          socket.onopen = () =>
            socket.send(
              JSON.stringify({
                type: 'connection_init',
                payload: { authorization: `Bearer ${token}` },
              }),
            );
          socket.onmessage = (event) => {
            resolve(JSON.parse(String(event.data)).type as string);
            socket.close();
          };
          socket.onclose = (event) => resolve(`closed ${event.code}`);
        }),
      { url: url.replace('http', 'ws'), token: key.token as string },
    );
  }

  it('calls GraphQL and opens a subscription socket on the tenant path, and is refused on the plain one', async () => {
    expect(await fetchFromPage(`${tenantPath(tenant)}/graphql`)).toEqual({
      data: { me: { kind: 'ACCOUNT' } },
    });
    expect(await fetchFromPage(`${apiUrl()}/graphql`)).toBe('refused: TypeError');
    expect(await socketFromPage(`${tenantPath(tenant)}/graphql`)).toBe('connection_ack');
    expect(await socketFromPage(`${apiUrl()}/graphql`)).toBe('closed 1006');
  });
});
