import {
  accountKey,
  apiUrl,
  CallOptions,
  createAccount,
  createTenant,
  gql,
  ok,
  TestTenant,
} from './test/client';
import { count } from './test/db';

const aliases = (n: number, field = 'me { kind }') =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;

/** `hops` times Environment → environmentAccountConnection → environments, under a list of 100. */
function cycle(hops: number): string {
  let inner = '';
  for (let i = 0; i < hops; i++) {
    inner = `environmentAccountConnection { environments { name ${inner} } }`;
  }
  return `{ environments(first: 100) { edges { node { name ${inner} } } } }`;
}

describe('GraphQL operation limits, decided before execution', () => {
  let tenant: TestTenant;
  /** Environments are an account's: the deep and costly selections go through an account key. */
  let account: CallOptions;

  beforeAll(async () => {
    tenant = await createTenant('limits');
    account = await accountKey(tenant, await createAccount(tenant));
  });

  it('refuses the 2000-alias document at parse time, naming the token limit, at once', async () => {
    const started = performance.now();
    const res = await gql(aliases(2000), {}, tenant.admin);
    const elapsed = performance.now() - started;
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/Document contains more th[ae][nt] 5000 tokens/),
      extensions: { code: 'BAD_USER_INPUT', reason: 'GRAPHQL_PARSE_FAILED' },
    });
    // Before the limits it was answered in full, in 2.4 s of API time.
    console.log(
      `2000 aliases of me { kind } (${aliases(2000).length} bytes) refused in ${elapsed.toFixed(1)} ms`,
    );
  });

  it('refuses more aliases than the tenant allows, and lets as many through', async () => {
    const over = await gql(aliases(31), {}, tenant.admin);
    expect(over.data ?? null).toBeNull();
    expect(over.errors?.[0]?.extensions).toEqual({
      code: 'QUERY_LIMIT_EXCEEDED',
      limit: 'aliases',
      max: 30,
      actual: 31,
    });
    const within = await gql(aliases(30), {}, tenant.admin);
    expect(within.errors).toBeUndefined();
    expect(Object.keys(within.data ?? {})).toHaveLength(30);
  });

  it('refuses too deep a selection and too costly a one, naming each', async () => {
    const deep = await gql(cycle(5), {}, account);
    expect(deep.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_LIMIT_EXCEEDED',
      limit: 'depth',
      max: 12,
    });
    const costly = await gql(cycle(2), {}, account);
    expect(costly.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_LIMIT_EXCEEDED',
      limit: 'cost',
      max: 5000,
    });
    expect(costly.errors?.[0]?.message).toMatch(/graphqlMaxCost/);
    const cheap = await gql(cycle(1), {}, account);
    expect(cheap.errors).toBeUndefined();
  });

  it('writes nothing for a refused mutation', async () => {
    const before = await count('accounts', '"tenantId" = $1', [tenant.id]);
    const many = `mutation { ${Array.from({ length: 31 }, (_, i) => `a${i}: createAccount(input: {}) { accountId }`).join(' ')} }`;
    const res = await gql(many, {}, tenant.admin);
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_LIMIT_EXCEEDED',
      limit: 'aliases',
    });
    expect(await count('accounts', '"tenantId" = $1', [tenant.id])).toBe(before);
  });

  it("applies the tenant's raised limits to its keys only", async () => {
    const generous = await createTenant('limits-raised');
    await ok(
      'mutation { updateTenantSettings(input: { graphqlMaxAliases: 100, graphqlMaxCost: 20000 }) { graphqlMaxAliases graphqlMaxCost graphqlMaxDepth } }',
      {},
      generous.admin,
    );
    expect((await gql(aliases(60), {}, generous.admin)).errors).toBeUndefined();
    const generousAccount = await accountKey(generous, await createAccount(generous));
    expect((await gql(cycle(2), {}, generousAccount)).errors).toBeUndefined();
    expect((await gql(cycle(2), {}, account)).errors?.[0]?.extensions?.limit).toBe('cost');
    // Another tenant, and a request without a key, keep the defaults.
    expect((await gql(aliases(60), {}, tenant.admin)).errors?.[0]?.extensions?.code).toBe(
      'QUERY_LIMIT_EXCEEDED',
    );
    expect((await gql(aliases(60))).errors?.[0]?.extensions?.code).toBe('QUERY_LIMIT_EXCEEDED');
    const refused = await gql(
      'mutation { updateTenantSettings(input: { graphqlMaxAliases: 5000 }) { graphqlMaxAliases } }',
      {},
      generous.admin,
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'graphqlMaxAliases',
    });
  });

  it('refuses a document over the size limit before parsing it', async () => {
    const padding = `# ${'x'.repeat(70_000)}\n`;
    const res = await fetch(`${apiUrl()}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tenant.admin.token}`,
      },
      body: JSON.stringify({ query: `${padding}{ me { kind } }` }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions).toMatchObject({
      code: 'QUERY_LIMIT_EXCEEDED',
      limit: 'documentBytes',
      max: 65536,
    });
  });
});
