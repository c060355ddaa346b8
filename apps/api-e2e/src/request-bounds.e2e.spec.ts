import { apiUrl, createAccount, createTenant } from './test/client';
import { accessKey, rawAws } from './test/proton';

/** Bodies are bounded in size, depth and width before they are parsed, in each protocol. */
describe('request bodies on both edges', () => {
  const TARGET = 'AwsProton20200720.ListEnvironmentAccountConnections';

  it('refuses an AWS body nested deeper than 32 levels, or with a list of over 1000 members', async () => {
    const tenant = await createTenant('bounds');
    const accountId = '123456789555';
    await createAccount(tenant, accountId);
    const key = await accessKey(tenant, accountId);
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) {
      deep = { d: deep };
    }
    const nested = await rawAws(TARGET, { requestedBy: 'MANAGEMENT_ACCOUNT', extra: deep }, key);
    expect(nested.status).toBe(400);
    expect(nested.body).toEqual({
      __type: 'ValidationException',
      message: 'The request body nests objects and arrays deeper than 32 levels',
    });
    const wide = await rawAws(
      TARGET,
      {
        requestedBy: 'MANAGEMENT_ACCOUNT',
        statuses: Array.from({ length: 1001 }, () => 'PENDING'),
      },
      key,
    );
    expect(wide.body).toEqual({
      __type: 'ValidationException',
      message: 'An object or array in the request body has more than 1000 members',
    });
  });

  it('answers a body over the size limit in the protocol of its edge (413)', async () => {
    const aws = await fetch(`${apiUrl()}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': TARGET },
      body: `{"x":"${'a'.repeat(2_200_000)}"}`,
    });
    expect(aws.status).toBe(413);
    expect(aws.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(await aws.json()).toEqual({
      __type: 'ValidationException',
      message: 'The request body is larger than 2097152 bytes',
    });
    const graphql = await fetch(`${apiUrl()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { kind } }', variables: { pad: 'a'.repeat(1_100_000) } }),
    });
    expect(graphql.status).toBe(413);
    expect(
      ((await graphql.json()) as { errors: { extensions: unknown }[] }).errors[0]?.extensions,
    ).toEqual({
      code: 'QUERY_LIMIT_EXCEEDED',
      limit: 'bodyBytes',
      max: 1048576,
    });
  });
});
