import { AuditCheck, countCheck, newFlow, Observed, path, Transition } from '../audit';
import { GraphqlCaller } from '../client/graphql';
import { Scenario, ScenarioContext, steps, WaitTimeout } from '../scenario';
import { WorldAccount } from '../world';

const REGION = 'us-west-2';
const ROLE_NAME = 'CodeCatalystWorkflowRole';
const roleArn = (accountId: string): string => `arn:aws:iam::${accountId}:role/${ROLE_NAME}`;
const VALIDATION_CHANGED = 'codecatalyst.connection.role-validation-changed';

/** The space of the run and its administrator (a user with an API key), made in prepare. */
const spaces = new WeakMap<ScenarioContext, { spaceId: string; administrator: GraphqlCaller }>();
/** What the read-back saw beyond status and history: paid tiers, roles left. */
const details = new WeakMap<
  ScenarioContext,
  Map<string, { paidTiersAuthorized: boolean; roles: number }>
>();

function spaceOf(ctx: ScenarioContext) {
  const space = spaces.get(ctx);
  if (!space) {
    throw new Error('codecatalyst-portal: prepare did not run');
  }
  return space;
}

const as = (account: WorldAccount): GraphqlCaller => ({ key: account.apiKey, region: REGION });

interface ConnectionNode {
  id: string;
  status: string;
  paidTiersAuthorized: boolean;
  history: Transition[];
  roles: { roleArn: string }[];
}

/**
 * The partner portal's flow, per account, through GraphQL as the portal calls it: a space
 * administrator requests a connection for the account (its token), the account's principal looks
 * the token up and verifies it authorizing paid tiers, associates an IAM role of the account, waits
 * for it to be validated VALID (its event, then a read), and removes it again.
 */
export const codecatalystPortal: Scenario = {
  name: 'codecatalyst-portal',
  description:
    'request → look-up → verify with paid tiers → associate a role → VALID → remove, per account',
  // A verified connection stays: the same account cannot be requested again in the space.
  repeatable: false,
  role: {
    roleName: ROLE_NAME,
    assumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {
            Service: ['codecatalyst.amazonaws.com', 'codecatalyst-runner.amazonaws.com'],
          },
          Action: 'sts:AssumeRole',
        },
      ],
    }),
  },

  async prepare(ctx) {
    const user = await ctx.gql.request<{ createUser: { id: string } }>(
      'mutation($n: String!, $e: String!) { createUser(input: { name: $n, email: $e }) { id } }',
      { n: 'Load Test Administrator', e: `loadtest-${ctx.runId}@example.com` },
      ctx.admin,
    );
    const key = await ctx.gql.request<{ createApiKey: { key: string } }>(
      'mutation($u: ID) { createApiKey(input: { userId: $u }) { key } }',
      { u: user.createUser.id },
      ctx.admin,
    );
    const administrator = { key: key.createApiKey.key, region: REGION };
    const space = await ctx.gql.request<{ createSpace: { id: string } }>(
      'mutation($n: String!) { createSpace(input: { name: $n, region: "us-west-2" }) { id } }',
      { n: `loadtest-${ctx.runId}` },
      administrator,
    );
    spaces.set(ctx, { spaceId: space.createSpace.id, administrator });
  },

  flow(ctx, account) {
    const { spaceId, administrator } = spaceOf(ctx);
    const record = newFlow('codecatalyst-portal', account.accountId, 'AccountConnection', {
      end: 'VERIFIED',
      transitions: path('PENDING_VERIFICATION', 'VERIFIED'),
      events: {
        'codecatalyst.connection.requested': 1,
        'codecatalyst.connection.verified': 1,
        'codecatalyst.connection.role-associated': 1,
        'codecatalyst.connection.role-validation-changed': 1,
        'codecatalyst.connection.role-disassociated': 1,
      },
    });
    return steps(record, async (step) => {
      step('request');
      const requested = await ctx.op('request-connection', () =>
        ctx.gql.request<{
          requestAccountConnection: { token: string; connection: { id: string } };
        }>(
          `mutation($input: RequestAccountConnectionInput!) {
            requestAccountConnection(input: $input) { token connection { id } } }`,
          {
            input: {
              spaceId,
              accountId: account.accountId,
              displayName: `Account ${account.accountId}`,
            },
          },
          administrator,
        ),
      );
      const { token } = requested.requestAccountConnection;
      const id = requested.requestAccountConnection.connection.id;
      record.resourceId = id;
      step('look-up');
      const pending = await ctx.op('look-up-token', () =>
        ctx.gql.request<{ pendingAccountConnection: { accountId: string } | null }>(
          'query($t: String!) { pendingAccountConnection(token: $t) { accountId } }',
          { t: token },
          as(account),
        ),
      );
      if (pending.pendingAccountConnection?.accountId !== account.accountId) {
        throw Object.assign(new Error('the token did not look up to its account'), {
          code: 'LOOKUP_MISMATCH',
        });
      }
      step('verify');
      await ctx.op('verify-token', () =>
        ctx.gql.request(
          'mutation($t: String!) { acceptAccountConnection(input: { token: $t, authorizePaidTiers: true }) { status } }',
          { t: token },
          as(account),
        ),
      );
      step('associate role');
      await ctx.op('associate-role', () =>
        ctx.gql.request(
          'mutation($input: ConnectionRoleInput!) { associateIamRoleToConnection(input: $input) { roleArn } }',
          { input: { connectionId: id, roleArn: roleArn(account.accountId) } },
          as(account),
        ),
      );
      step('role VALID');
      const event = await ctx.events.waitFor(
        id,
        (e) => e.type === VALIDATION_CHANGED,
        ctx.timeoutMs,
      );
      if (!event) {
        throw new WaitTimeout(`the role of connection ${id} to be validated`);
      }
      const roles = await ctx.op('get-roles', () =>
        ctx.gql.request<{ iamRolesForConnection: { validation: { status: string } }[] }>(
          'query($id: ID!) { iamRolesForConnection(connectionId: $id) { validation { status } } }',
          { id },
          as(account),
        ),
      );
      const status = roles.iamRolesForConnection[0]?.validation.status;
      if (status !== 'VALID') {
        throw Object.assign(new Error(`the role is ${status ?? 'missing'}`), {
          code: 'ROLE_NOT_VALID',
        });
      }
      step('remove role');
      await ctx.op('remove-role', () =>
        ctx.gql.request(
          'mutation($input: ConnectionRoleInput!) { disassociateIamRoleFromConnection(input: $input) { roleArn } }',
          { input: { connectionId: id, roleArn: roleArn(account.accountId) } },
          as(account),
        ),
      );
    });
  },

  async readBack(ctx) {
    const { spaceId, administrator } = spaceOf(ctx);
    const observed = new Map<string, Observed>();
    const seen = new Map<string, { paidTiersAuthorized: boolean; roles: number }>();
    let after: string | null = null;
    do {
      const page: {
        accountConnections: {
          edges: { node: ConnectionNode }[];
          pageInfo: { endCursor: string | null; hasNextPage: boolean };
        };
      } = await ctx.op('audit-list', () =>
        ctx.gql.request(
          `query($s: ID!, $a: String) { accountConnections(spaceId: $s, first: 100, after: $a) {
            edges { node { id status paidTiersAuthorized history { from to } roles { roleArn } } }
            pageInfo { endCursor hasNextPage } } }`,
          { s: spaceId, a: after },
          administrator,
        ),
      );
      for (const { node } of page.accountConnections.edges) {
        observed.set(node.id, { end: node.status, transitions: node.history });
        seen.set(node.id, {
          paidTiersAuthorized: node.paidTiersAuthorized,
          roles: node.roles.length,
        });
      }
      after = page.accountConnections.pageInfo.hasNextPage
        ? page.accountConnections.pageInfo.endCursor
        : null;
    } while (after);
    details.set(ctx, seen);
    return observed;
  },

  async extraChecks(ctx, flows): Promise<AuditCheck[]> {
    const seen = details.get(ctx) ?? new Map();
    const done = flows.filter((f) => f.failure === null && f.resourceId);
    return [
      countCheck(
        'paid tiers authorized and no role left',
        done.map((f) => {
          const d = seen.get(f.resourceId as string);
          return {
            label: `${f.accountId} ${f.resourceId}`,
            expected: 1,
            actual: d && d.paidTiersAuthorized && d.roles === 0 ? 1 : 0,
          };
        }),
      ),
    ];
  },
};
