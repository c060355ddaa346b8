import {
  DeleteEnvironmentAccountConnectionCommand,
  ListEnvironmentAccountConnectionsCommand,
  UpdateEnvironmentAccountConnectionCommand,
} from '@aws-sdk/client-proton';
import { newFlow, Observed, path } from '../audit';
import { Scenario, steps } from '../scenario';
import { connect, PROTON_ROLE, readConnection, roleArn, waitRolesValid } from './proton-common';

/**
 * Per environment account, through the AWS SDK (SigV4) as Proton's own tools call it:
 * CreateEnvironmentAccountConnection → AcceptEnvironmentAccountConnection (its management
 * account) → the role validated VALID → UpdateEnvironmentAccountConnection (a component role)
 * → VALID again → its history read → DeleteEnvironmentAccountConnection.
 */
export const protonConnections: Scenario = {
  name: 'proton-connections',
  description: 'create → accept → roles VALID → update → VALID → delete, per environment account',
  role: PROTON_ROLE,

  flow(ctx, account, iteration) {
    const record = newFlow(
      'proton-connections',
      account.accountId,
      'EnvironmentAccountConnection',
      {
        end: 'DELETED',
        // The update is recorded as a transition of its own (CONNECTED to CONNECTED, "roles updated").
        transitions: path('PENDING', 'CONNECTED', 'CONNECTED'),
        events: {
          'proton.connection.created': 1,
          'proton.connection.accepted': 1,
          // PENDING → VALID after the create, and again for the component role of the update.
          'proton.connection.role-validation-changed': 2,
          'proton.connection.updated': 1,
          'proton.connection.deleted': 1,
        },
      },
    );
    return steps(record, async (step) => {
      step('create');
      const id = await connect(ctx, account, `lt-${ctx.runId}-${iteration}`);
      record.resourceId = id;
      step('roles VALID');
      const validations = await waitRolesValid(ctx, account, id, 0);
      step('update');
      await ctx.op('update-connection', () =>
        ctx.proton(account).send(
          new UpdateEnvironmentAccountConnectionCommand({
            id,
            componentRoleArn: roleArn(account.accountId),
          }),
        ),
      );
      step('roles VALID after update');
      await waitRolesValid(ctx, account, id, validations);
      step('history');
      record.historyBeforeDelete =
        (await readConnection(ctx, account, id, 'get-history'))?.history ?? [];
      step('delete');
      await ctx.op('delete-connection', () =>
        ctx.proton(account).send(new DeleteEnvironmentAccountConnectionCommand({ id })),
      );
    });
  },

  async readBack(ctx, flows) {
    // Every connection of the run's environment names that still exists, listed by its
    // management accounts (all statuses); the deleted must not be among them.
    const observed = new Map<string, Observed>();
    const runPrefix = `lt-${ctx.runId}-`;
    for (const management of ctx.world.managementAccounts) {
      let nextToken: string | undefined;
      do {
        const page = await ctx.op('audit-list', () =>
          ctx.proton(management).send(
            new ListEnvironmentAccountConnectionsCommand({
              requestedBy: 'MANAGEMENT_ACCOUNT',
              maxResults: 100,
              nextToken,
            }),
          ),
        );
        for (const c of page.environmentAccountConnections ?? []) {
          if (c.id && c.environmentName?.startsWith(runPrefix)) {
            observed.set(c.id, { end: c.status ?? 'UNKNOWN', transitions: [] });
          }
        }
        nextToken = page.nextToken;
      } while (nextToken);
    }
    void flows;
    return observed;
  },
};
