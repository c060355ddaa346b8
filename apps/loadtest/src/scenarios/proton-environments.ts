import {
  CreateEnvironmentCommand,
  CreateEnvironmentTemplateCommand,
  CreateEnvironmentTemplateVersionCommand,
  DeleteEnvironmentCommand,
  GetEnvironmentCommand,
  ListEnvironmentsCommand,
  UpdateEnvironmentCommand,
  UpdateEnvironmentTemplateVersionCommand,
  waitUntilEnvironmentTemplateVersionRegistered,
} from '@aws-sdk/client-proton';
import { newFlow, Observed, path, Transition } from '../audit';
import { Scenario, ScenarioContext, steps, WaitTimeout } from '../scenario';
import { WorldAccount } from '../world';
import {
  connect,
  HISTORY,
  managementOf,
  PROTON_ROLE,
  REGION,
  waitRolesValid,
} from './proton-common';

/** The template's schema: one integer input (the flow changes it on update). */
const SCHEMA = `schema:
  format:
    openapi: "3.0.0"
  environment_input_type: "LoadTestInput"
  types:
    LoadTestInput:
      type: object
      properties:
        subnet_count:
          type: integer
      required:
        - subnet_count
`;
const spec = (subnets: number): string =>
  `proton: EnvironmentSpec\nspec:\n  subnet_count: ${subnets}\n`;
const BUCKET = 'loadtest-templates';
const ENDED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'DELETE_COMPLETE', 'DELETE_FAILED']);
const CHANGED = 'proton.environment.changed';

const templateName = (ctx: ScenarioContext): string => `lt-${ctx.runId}`;

/** Waits for the environment event that ends deployment `deploymentId`; returns its status. */
async function deploymentEnded(
  ctx: ScenarioContext,
  environmentId: string,
  deploymentId: string,
): Promise<string> {
  const event = await ctx.events.waitFor(
    environmentId,
    (e) => {
      if (e.type !== CHANGED) {
        return false;
      }
      const payload = JSON.parse(e.payload) as { deploymentId?: string; deploymentStatus?: string };
      return payload.deploymentId === deploymentId && ENDED.has(payload.deploymentStatus ?? '');
    },
    ctx.timeoutMs,
  );
  if (!event) {
    throw new WaitTimeout(`deployment ${deploymentId} of environment ${environmentId} to end`);
  }
  return (JSON.parse(event.payload) as { deploymentStatus: string }).deploymentStatus;
}

function mustSucceed(status: string, what: string): void {
  if (status !== 'SUCCEEDED' && status !== 'DELETE_COMPLETE') {
    throw Object.assign(new Error(`${what} ended ${status}`), { code: `DEPLOYMENT_${status}` });
  }
}

/**
 * Per environment account: a CONNECTED connection (create, accept, roles VALID), then in its
 * management account an environment deployed into it through the connection (CreateEnvironment
 * with environmentAccountConnectionId), updated (a new spec), and deleted; all through the AWS SDK.
 * Each management account registers and publishes the template first (from a bundle in its
 * simulated S3 store).
 */
export const protonEnvironments: Scenario = {
  name: 'proton-environments',
  description:
    'connection → template published → environment deployed → updated → deleted, per environment account',
  role: PROTON_ROLE,
  settings: { provisioningDelayMs: 100, deploymentFailureRate: 0 },

  async prepare(ctx) {
    const name = templateName(ctx);
    for (const management of ctx.world.managementAccounts) {
      const client = ctx.proton(management);
      await ctx.op('create-template', () =>
        client.send(new CreateEnvironmentTemplateCommand({ name })),
      );
      await ctx.op('put-bundle', () =>
        ctx.gql.request(
          'mutation($input: PutBundleObjectInput!) { putBundleObject(input: $input) { size } }',
          {
            input: {
              accountId: management.accountId,
              bucket: BUCKET,
              key: `${name}/v1.yaml`,
              body: SCHEMA,
            },
          },
          ctx.admin,
        ),
      );
      await ctx.op('create-template-version', () =>
        client.send(
          new CreateEnvironmentTemplateVersionCommand({
            templateName: name,
            source: { s3: { bucket: BUCKET, key: `${name}/v1.yaml` } },
          }),
        ),
      );
      await waitUntilEnvironmentTemplateVersionRegistered(
        { client, minDelay: 1, maxDelay: 2, maxWaitTime: Math.ceil(ctx.timeoutMs / 1000) },
        { templateName: name, majorVersion: '1', minorVersion: '0' },
      );
      await ctx.op('publish-template-version', () =>
        client.send(
          new UpdateEnvironmentTemplateVersionCommand({
            templateName: name,
            majorVersion: '1',
            minorVersion: '0',
            status: 'PUBLISHED',
          }),
        ),
      );
    }
  },

  flow(ctx, account: WorldAccount, iteration) {
    const name = `lt-${ctx.runId}-${iteration}`;
    const connection = newFlow(
      'proton-environments',
      account.accountId,
      'EnvironmentAccountConnection',
      {
        end: 'CONNECTED',
        transitions: path('PENDING', 'CONNECTED'),
        events: {
          'proton.connection.created': 1,
          'proton.connection.accepted': 1,
          'proton.connection.role-validation-changed': 1,
        },
      },
    );
    const environment = newFlow('proton-environments', account.accountId, 'Environment', {
      end: 'DELETED',
      // Its deployments' statuses in order: created, then updated.
      transitions: path('SUCCEEDED', 'SUCCEEDED'),
      // Three deployments (create, update, delete), each started and ended.
      events: {
        'proton.environment.deployment-started': 3,
        'proton.environment.changed': 3,
      },
    });
    const mgmt = ctx.proton(managementOf(ctx, account));
    return steps([connection, environment], async (step) => {
      step('connect');
      const connectionId = await connect(ctx, account, name);
      connection.resourceId = connectionId;
      step('roles VALID');
      await waitRolesValid(ctx, account, connectionId, 0);
      step('create environment');
      const created = await ctx.op('create-environment', () =>
        mgmt.send(
          new CreateEnvironmentCommand({
            name,
            templateName: templateName(ctx),
            templateMajorVersion: '1',
            spec: spec(2),
            environmentAccountConnectionId: connectionId,
          }),
        ),
      );
      const environmentId = created.environment?.arn
        ? await environmentIdOf(ctx, account, name)
        : null;
      if (!environmentId) {
        throw new Error(`environment ${name} has no id`);
      }
      environment.resourceId = environmentId;
      step('deployed');
      mustSucceed(
        await deploymentEnded(
          ctx,
          environmentId,
          created.environment?.lastAttemptedDeploymentId ?? '',
        ),
        'the first deployment',
      );
      step('update environment');
      const updated = await ctx.op('update-environment', () =>
        mgmt.send(
          new UpdateEnvironmentCommand({ name, deploymentType: 'CURRENT_VERSION', spec: spec(3) }),
        ),
      );
      step('updated');
      mustSucceed(
        await deploymentEnded(
          ctx,
          environmentId,
          updated.environment?.lastAttemptedDeploymentId ?? '',
        ),
        'the update',
      );
      step('history');
      const got = await ctx.op('get-environment', () =>
        mgmt.send(new GetEnvironmentCommand({ name })),
      );
      environment.historyBeforeDelete = await deploymentHistory(ctx, account, name);
      step('delete environment');
      const deleted = await ctx.op('delete-environment', () =>
        mgmt.send(new DeleteEnvironmentCommand({ name })),
      );
      step('deleted');
      const deletion =
        deleted.environment?.lastAttemptedDeploymentId ??
        got.environment?.lastAttemptedDeploymentId ??
        '';
      mustSucceed(await deploymentEnded(ctx, environmentId, deletion), 'the deletion');
    });
  },

  async readBack(ctx, flows) {
    const observed = new Map<string, Observed>();
    const prefix = `lt-${ctx.runId}-`;
    // The connections stay: their status and history as the environment account reads them.
    for (const flow of flows) {
      if (flow.resourceType !== 'EnvironmentAccountConnection' || !flow.resourceId) {
        continue;
      }
      const account = ctx.world.accounts.find(
        (a) => a.accountId === flow.accountId,
      ) as WorldAccount;
      const data = await ctx.op('audit-get-connection', () =>
        ctx.gql.request<{
          environmentAccountConnection: { status: string; history: Transition[] } | null;
        }>(HISTORY, { id: flow.resourceId }, { key: account.apiKey, region: REGION }),
      );
      const c = data.environmentAccountConnection;
      observed.set(
        flow.resourceId,
        c ? { end: c.status, transitions: c.history } : { end: 'DELETED', transitions: [] },
      );
    }
    // The environments are gone: none of the run's names may be listed by a management account.
    const flowOf = new Map(
      flows.filter((f) => f.resourceType === 'Environment').map((f) => [f.resourceId, f]),
    );
    for (const management of ctx.world.managementAccounts) {
      let nextToken: string | undefined;
      do {
        const page = await ctx.op('audit-list-environments', () =>
          ctx.proton(management).send(new ListEnvironmentsCommand({ maxResults: 100, nextToken })),
        );
        for (const e of page.environments ?? []) {
          if (e.name?.startsWith(prefix)) {
            const id = await environmentIdOf(ctx, management, e.name);
            if (id && flowOf.has(id)) {
              observed.set(id, { end: e.deploymentStatus ?? 'UNKNOWN', transitions: [] });
            }
          }
        }
        nextToken = page.nextToken;
      } while (nextToken);
    }
    return observed;
  },
};

/** The environment's id (its events' resource), through GraphQL as its management account. */
async function environmentIdOf(
  ctx: ScenarioContext,
  account: WorldAccount,
  name: string,
): Promise<string | null> {
  const management =
    account.managementAccountId === account.accountId ? account : managementOf(ctx, account);
  const data = await ctx.op('get-environment-id', () =>
    ctx.gql.request<{ environment: { id: string } | null }>(
      'query($n: String!) { environment(name: $n) { id } }',
      { n: name },
      { key: management.apiKey, region: REGION },
    ),
  );
  return data.environment?.id ?? null;
}

/** The environment's deployments, oldest first, as transitions of its deployment status. */
async function deploymentHistory(
  ctx: ScenarioContext,
  account: WorldAccount,
  name: string,
): Promise<Transition[]> {
  const data = await ctx.op('get-deployments', () =>
    ctx.gql.request<{
      environment: { deploymentHistory: { status: string; createdAt: string }[] } | null;
    }>(
      'query($n: String!) { environment(name: $n) { deploymentHistory(last: 20) { status createdAt } } }',
      { n: name },
      { key: managementOf(ctx, account).apiKey, region: REGION },
    ),
  );
  const deployments = [...(data.environment?.deploymentHistory ?? [])].sort((a, b) =>
    a.createdAt.localeCompare(b.createdAt),
  );
  return deployments.map((d, i) => ({
    from: i === 0 ? null : deployments[i - 1].status,
    to: d.status,
  }));
}
