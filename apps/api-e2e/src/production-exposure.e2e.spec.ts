import { ChildProcess } from 'node:child_process';
import { config } from './test/client';
import { freePort, kill } from './test/fault-stack';
import { spawnApp, waitFor } from './test/stack';

/** An API as production runs it (NODE_ENV=production), with the application role's URL given. */
async function productionApi(
  extra: Record<string, string>,
): Promise<{ url: string; api: ChildProcess }> {
  const port = await freePort();
  const api = spawnApp(
    'api',
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      APP_DATABASE_URL: config.appDatabaseUrl,
      ...extra,
    },
    'api-production',
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => (await fetch(`${url}/health/ready`)).status === 200,
    'the production API',
  );
  return { url, api };
}

describe('what a production API exposes', () => {
  it('serves /metrics only with METRICS_TOKEN, and answers no introspection', async () => {
    const { url, api } = await productionApi({ METRICS_TOKEN: 'metrics-token-0123456789' });
    try {
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      expect(
        (
          await fetch(`${url}/metrics`, {
            headers: { authorization: 'Bearer wrong-token-0123456789' },
          })
        ).status,
      ).toBe(401);
      const scraped = await fetch(`${url}/metrics`, {
        headers: { authorization: 'Bearer metrics-token-0123456789' },
      });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toMatch(/accountlink_http_requests_total/);

      const introspection = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
      });
      const body = (await introspection.json()) as { errors?: { message: string }[] };
      expect(body.errors?.[0]?.message).toMatch(/introspection/i);
      // No GraphQL explorer in production (GRAPHQL_EXPLORER is not set).
      const page = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
      expect((await fetch(`${url}/graphql/explorer/graphiql.js`)).status).not.toBe(200);
    } finally {
      await kill(api);
    }
  });

  it('turns /metrics off without a token', async () => {
    const { url, api } = await productionApi({});
    try {
      expect((await fetch(`${url}/metrics`)).status).toBe(404);
    } finally {
      await kill(api);
    }
  });
});
