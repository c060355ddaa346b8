import { apiUrl, createTenant, gql } from './test/client';

const ASSETS: [string, RegExp][] = [
  ['react.js', /^application\/javascript/],
  ['react-dom.js', /^application\/javascript/],
  ['graphiql.js', /^application\/javascript/],
  ['graphiql.css', /^text\/css/],
  ['start.js', /^application\/javascript/],
];

/** GraphiQL at GET /graphql for browsers, served from node_modules (on outside production). */
describe('the GraphQL explorer', () => {
  it('serves GraphiQL to a browser, from this API only, with no inline script', async () => {
    const res = await fetch(`${apiUrl()}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/connect-src 'self'/);
    expect(csp).toMatch(/default-src 'none'/);
    // Only 'self', 'none', data: and the style attributes GraphiQL sets: no other origin at all.
    expect(csp.split(/[;\s]+/).filter((t) => t.includes('.') || t.includes('//'))).toEqual([]);
    const page = await res.text();
    expect(page).not.toMatch(/https?:\/\//);
    expect(page).not.toMatch(/<script>|<script [^>]*>[^<]/);
    const sources = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(
      ASSETS.map(([name]) => `/graphql/explorer/${name}`).sort((a, b) =>
        a.endsWith('.css') ? -1 : b.endsWith('.css') ? 1 : 0,
      ),
    );
    for (const [name, type] of ASSETS) {
      const asset = await fetch(`${apiUrl()}/graphql/explorer/${name}`);
      expect({ name, status: asset.status }).toEqual({ name, status: 200 });
      expect(asset.headers.get('content-type')).toMatch(type);
      const text = await asset.text();
      expect(text.length).toBeGreaterThan(name === 'start.js' ? 200 : 10_000);
    }
    expect((await fetch(`${apiUrl()}/graphql/explorer/../../package.json`)).status).toBe(404);
    expect((await fetch(`${apiUrl()}/graphql/explorer/secret.js`)).status).toBe(404);
  });

  it('leaves the API itself as it was', async () => {
    const tenant = await createTenant('explorer');
    expect((await gql('{ me { kind } }', {}, tenant.admin)).data).toEqual({
      me: { kind: 'TENANT_ADMIN' },
    });
    const json = await fetch(`${apiUrl()}/graphql`, { headers: { accept: 'application/json' } });
    expect(json.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
  });
});
