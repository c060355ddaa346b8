// A custom load-test scenario: npm run loadtest -- --scenario apps/loadtest/examples/reject-connections.cjs
//
// Per environment account, through GraphQL: the account requests a connection to its management
// account, which rejects it. The module exports the Scenario interface of apps/loadtest/src/scenario.ts:
// name, description, role (the world's role for every environment account, or null), flow (one
// account's pass, returning what it should leave behind), readBack (the final state and history,
// read from the product), and optionally prepare, settings, repeatable, extraChecks and finish.
const REGION = 'us-east-1';

const CREATE = `mutation($input: CreateEnvironmentAccountConnectionInput!) {
  createEnvironmentAccountConnection(input: $input) { id } }`;
const REJECT = 'mutation($id: ID!) { rejectEnvironmentAccountConnection(id: $id) { status } }';
const READ =
  'query($id: ID!) { environmentAccountConnection(id: $id) { status history { from to } } }';

module.exports = {
  name: 'reject-connections',
  description: 'create → reject, per environment account (a custom scenario)',
  role: {
    roleName: 'ProtonServiceRole',
    assumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'proton.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': '{managementAccountId}' } },
        },
      ],
    }),
  },

  async flow(ctx, account, iteration) {
    const management = ctx.world.managementAccounts.find(
      (m) => m.accountId === account.managementAccountId,
    );
    const record = {
      scenario: 'reject-connections',
      accountId: account.accountId,
      resourceType: 'EnvironmentAccountConnection',
      resourceId: null,
      failure: null,
      expected: {
        end: 'REJECTED',
        transitions: [
          { from: null, to: 'PENDING' },
          { from: 'PENDING', to: 'REJECTED' },
        ],
        events: { 'proton.connection.created': 1, 'proton.connection.rejected': 1 },
      },
    };
    let step = 'create';
    try {
      const created = await ctx.op('create-connection', () =>
        ctx.gql.request(
          CREATE,
          {
            input: {
              environmentName: `lt-${ctx.runId}-${iteration}`,
              managementAccountId: account.managementAccountId,
              roleArn: `arn:aws:iam::${account.accountId}:role/ProtonServiceRole`,
            },
          },
          { key: account.apiKey, region: REGION },
        ),
      );
      record.resourceId = created.createEnvironmentAccountConnection.id;
      step = 'reject';
      await ctx.op('reject-connection', () =>
        ctx.gql.request(
          REJECT,
          { id: record.resourceId },
          { key: management.apiKey, region: REGION },
        ),
      );
    } catch (error) {
      record.failure = { step, code: error.code || error.name || 'UNKNOWN' };
    }
    return record;
  },

  async readBack(ctx, flows) {
    const observed = new Map();
    for (const flow of flows) {
      if (!flow.resourceId) continue;
      const account = ctx.world.accounts.find((a) => a.accountId === flow.accountId);
      const data = await ctx.op('audit-read', () =>
        ctx.gql.request(READ, { id: flow.resourceId }, { key: account.apiKey, region: REGION }),
      );
      const c = data.environmentAccountConnection;
      if (c) observed.set(flow.resourceId, { end: c.status, transitions: c.history });
    }
    return observed;
  },
};
