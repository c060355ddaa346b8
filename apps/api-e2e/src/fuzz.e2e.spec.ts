import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  buildSchema,
  getNamedType,
  GraphQLField,
  GraphQLObjectType,
  isLeafType,
  isNonNullType,
} from 'graphql';
import {
  accountKey,
  apiUrl,
  CallOptions,
  createAccount,
  createRole,
  createTenant,
  gql,
  GqlResponse,
  ok,
  TestTenant,
} from './test/client';
import { ownerPool } from './test/db';
import { AccessKey, accessKey, rawAws } from './test/proton';

/**
 * Property-based fuzzing of both edges against the running stack: every GraphQL root field and
 * every AWS operation, with hostile values (wrong types, huge and empty strings, unicode and
 * control characters, deep JSON, another tenant's ids and ARNs, bad signatures and regions).
 * Properties: no 5xx, every error carries its code in the caller's protocol, a refused request
 * writes nothing, no other tenant's identifier is ever answered unless the request sent it, and
 * the process stays up. `npm test` runs a bounded number; `npm run fuzz -- --runs N [--seed S]`
 * runs more, and a failure prints its seed to replay.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2_147_483_647);

const schema = buildSchema(
  readFileSync(join(__dirname, '..', '..', 'api', 'src', 'schema.gql'), 'utf8'),
);

/** A document per root field: every argument a variable, and `__typename` of what it returns. */
function documentsOf(root: GraphQLObjectType | null | undefined, kind: 'query' | 'mutation') {
  return Object.values(root?.getFields() ?? {}).map((field: GraphQLField<unknown, unknown>) => {
    const defs = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
    const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
    const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
    return {
      name: field.name,
      args: field.args.map((a) => ({ name: a.name, required: isNonNullType(a.type) })),
      query: `${kind}${defs ? `(${defs})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`,
    };
  });
}
const OPERATIONS = [
  ...documentsOf(schema.getQueryType(), 'query'),
  ...documentsOf(schema.getMutationType(), 'mutation'),
];

const AWS_OPERATIONS = [
  'AcceptEnvironmentAccountConnection',
  'CancelEnvironmentDeployment',
  'CreateEnvironment',
  'CreateEnvironmentAccountConnection',
  'CreateEnvironmentTemplate',
  'CreateEnvironmentTemplateVersion',
  'DeleteEnvironment',
  'DeleteEnvironmentAccountConnection',
  'DeleteEnvironmentTemplate',
  'DeleteEnvironmentTemplateVersion',
  'GetDeployment',
  'GetEnvironment',
  'GetEnvironmentAccountConnection',
  'GetEnvironmentTemplate',
  'GetEnvironmentTemplateVersion',
  'ListDeployments',
  'ListEnvironmentAccountConnections',
  'ListEnvironmentOutputs',
  'ListEnvironmentTemplateVersions',
  'ListEnvironmentTemplates',
  'ListEnvironments',
  'ListTagsForResource',
  'RejectEnvironmentAccountConnection',
  'TagResource',
  'UntagResource',
  'UpdateEnvironment',
  'UpdateEnvironmentAccountConnection',
  'UpdateEnvironmentTemplateVersion',
];
const AWS_FIELDS = [
  'id',
  'name',
  'environmentName',
  'managementAccountId',
  'roleArn',
  'codebuildRoleArn',
  'componentRoleArn',
  'spec',
  'templateName',
  'templateMajorVersion',
  'templateMinorVersion',
  'majorVersion',
  'minorVersion',
  'status',
  'statuses',
  'requestedBy',
  'tags',
  'tagKeys',
  'resourceArn',
  'nextToken',
  'maxResults',
  'clientToken',
  'deploymentId',
  'description',
  'displayName',
  'environmentAccountConnectionId',
  'protonServiceRoleArn',
  'provisioning',
  'source',
  'environmentTemplates',
  'deploymentType',
  'environmentAccountId',
];

/** Another tenant's identifiers, which no answer to the attacker may hold unless it sent them. */
interface Victim {
  tenant: TestTenant;
  secrets: string[];
}

async function victimWorld(): Promise<Victim> {
  const tenant = await createTenant('fuzz-victim');
  const accountId = await createAccount(tenant, '987654321098');
  const roleArn = await createRole(tenant, accountId, 'VictimRole');
  const key = await accessKey(tenant, accountId);
  return { tenant, secrets: [tenant.id, tenant.name, accountId, roleArn, key.accessKeyId] };
}

/** Every row of a tenant, summed over its tables: a refused request leaves it unchanged. */
async function rowsOf(tenantId: string): Promise<number> {
  const { rows: tables } = await ownerPool.query<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.columns
     WHERE table_schema = 'public' AND column_name = 'tenantId'`,
  );
  const sql = tables
    .map((r) => `SELECT count(*) AS n FROM "${r.t}" WHERE "tenantId" = $1`)
    .join(' UNION ALL ');
  const { rows } = await ownerPool.query<{ n: string }>(
    `SELECT sum(n)::text AS n FROM (${sql}) s`,
    [tenantId],
  );
  return Number(rows[0]?.n ?? 0);
}

function hostileString(victim: Victim): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({
      unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)),
      maxLength: 20,
    }),
    fc.constant(''),
    fc.constant('x'.repeat(10_000)),
    fc.constant('123456789012'),
    fc.constant("'; DROP TABLE tenants; --"),
    fc.constant('arn:aws:proton:us-east-1:987654321098:environment/x'),
    fc.constantFrom(...victim.secrets),
    fc.uuid(),
  );
}

function hostileValue(victim: Victim): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    hostileString(victim),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(-1),
    fc.constant(2 ** 53),
  );
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(leaf, { maxLength: 5 }) },
    {
      weight: 1,
      arbitrary: fc.dictionary(fc.constantFrom('key', 'value', 'name', 'id', 'x'), leaf),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 5 }) },
  );
}

function leaked(victim: Victim, request: string, answer: string): string[] {
  return victim.secrets.filter((s) => answer.includes(s) && !request.includes(s));
}

describe('fuzzing both edges', () => {
  let victim: Victim;
  let attacker: TestTenant;
  let callers: CallOptions[];
  let awsKey: AccessKey;

  beforeAll(async () => {
    console.log(`fuzz: ${RUNS} runs per edge, seed ${SEED} (FUZZ_SEED=${SEED} replays it)`);
    victim = await victimWorld();
    attacker = await createTenant('fuzz-attacker');
    await ok(
      'mutation { updateTenantSettings(input: { requestsPerSecondPerAccount: 100000 }) { requestsPerSecondPerAccount } }',
      {},
      attacker.admin,
    );
    const accountId = await createAccount(attacker, '123456789012');
    callers = [attacker.admin, await accountKey(attacker, accountId), {}];
    awsKey = await accessKey(attacker, accountId);
  }, 30_000);

  it('GraphQL: every root field, hostile variables', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...OPERATIONS),
        fc.integer({ min: 0, max: 2 }),
        fc.dictionary(fc.constantFrom('x', 'y'), fc.constant(null)),
        fc.option(
          fc.constantFrom('us-east-1', 'xx-nowhere-1', '', 'eu-west-1, us-east-1', 'ü-west-1'),
          {
            nil: undefined,
          },
        ),
        fc.infiniteStream(hostileValue(victim)),
        async (op, who, _noise, region, values) => {
          const variables: Record<string, unknown> = {};
          for (const arg of op.args) {
            const value = values.next().value;
            if (arg.required || value !== null) {
              variables[arg.name] = value;
            }
          }
          const caller = { ...callers[who], ...(region !== undefined ? { region } : {}) };
          const before = await rowsOf(attacker.id);
          const res: Pick<GqlResponse<unknown>, 'status' | 'errors' | 'data'> = await gql(
            op.query,
            variables,
            caller,
          ).catch((error: unknown) => ({
            status: 0,
            errors: [{ message: String(error) }],
            data: null,
          }));
          const text = JSON.stringify(res);
          expect({ op: op.name, status: res.status < 500 && res.status > 0 }).toEqual({
            op: op.name,
            status: true,
          });
          for (const error of res.errors ?? []) {
            expect({ op: op.name, code: typeof error.extensions?.code }).toEqual({
              op: op.name,
              code: 'string',
            });
            expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
          }
          expect(leaked(victim, JSON.stringify(variables), text)).toEqual([]);
          const refused =
            (res.errors?.length ?? 0) > 0 && Object.values(res.data ?? {}).every((v) => v === null);
          if (refused) {
            expect({ op: op.name, rows: await rowsOf(attacker.id) }).toEqual({
              op: op.name,
              rows: before,
            });
          }
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  }, 300_000);

  it('AWS JSON: every operation, hostile members, signatures and regions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...AWS_OPERATIONS),
        fc.dictionary(fc.constantFrom(...AWS_FIELDS), hostileValue(victim), { maxKeys: 6 }),
        fc.constantFrom('good', 'good', 'good', 'bad-secret', 'old', 'region', 'target'),
        async (operation, body, signing) => {
          const before = await rowsOf(attacker.id);
          const res = await rawAws(
            `AwsProton20200720.${operation}`,
            body,
            signing === 'bad-secret' ? { ...awsKey, secretAccessKey: 'x'.repeat(40) } : awsKey,
            {
              ...(signing === 'old' ? { signingDate: new Date(Date.now() - 20 * 60_000) } : {}),
              ...(signing === 'region' ? { region: 'xx-nowhere-1' } : {}),
              ...(signing === 'target'
                ? {
                    tamper: (h: Record<string, string>) =>
                      void (h['x-amz-target'] = 'AwsProton20200720.DeleteEnvironment'),
                  }
                : {}),
            },
          );
          const text = JSON.stringify(res.body);
          expect({ operation, status: res.status < 500 }).toEqual({ operation, status: true });
          if (res.status !== 200) {
            expect({ operation, type: typeof res.body.__type }).toEqual({
              operation,
              type: 'string',
            });
            expect(res.headers.get('x-amzn-errortype')).toBe(res.body.__type);
            expect(await rowsOf(attacker.id)).toBe(before);
          }
          expect(leaked(victim, JSON.stringify(body), text)).toEqual([]);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  }, 300_000);

  it('left the API up and the victim untouched', async () => {
    expect((await fetch(`${apiUrl()}/health/live`)).status).toBe(200);
    const victimRows = await rowsOf(victim.tenant.id);
    expect(victimRows).toBeGreaterThan(0);
    const { rows } = await ownerPool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM "roles" WHERE "tenantId" = $1`,
      [victim.tenant.id],
    );
    expect(rows[0]?.n).toBe('1');
  });
});
