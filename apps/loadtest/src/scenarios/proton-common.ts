import {
  AcceptEnvironmentAccountConnectionCommand,
  CreateEnvironmentAccountConnectionCommand,
} from '@aws-sdk/client-proton';
import { Transition } from '../audit';
import { ScenarioContext, WaitTimeout } from '../scenario';
import { trustFor, WorldAccount, WorldRole } from '../world';

export const REGION = 'us-east-1';
export const ROLE_NAME = 'ProtonServiceRole';
export const roleArn = (accountId: string): string => `arn:aws:iam::${accountId}:role/${ROLE_NAME}`;

/** The environment accounts' role: Proton may assume it for their management account. */
export const PROTON_ROLE: WorldRole = {
  roleName: ROLE_NAME,
  assumeRolePolicyDocument: trustFor('proton.amazonaws.com'),
};

export const VALIDATION_CHANGED = 'proton.connection.role-validation-changed';

/** The connection's transitions as its history answers them. */
export const HISTORY = `query($id: ID!) { environmentAccountConnection(id: $id) {
  status history { from to } roleValidation { status } } }`;

interface ConnectionView {
  environmentAccountConnection: {
    status: string;
    history: Transition[];
    roleValidation: { status: string }[];
  } | null;
}

/** Reads a connection through GraphQL as its environment account (status, history, validations). */
export function readConnection(
  ctx: ScenarioContext,
  account: WorldAccount,
  id: string,
  name = 'get-connection',
): Promise<ConnectionView['environmentAccountConnection']> {
  return ctx
    .op(name, () =>
      ctx.gql.request<ConnectionView>(HISTORY, { id }, { key: account.apiKey, region: REGION }),
    )
    .then((d) => d.environmentAccountConnection);
}

/**
 * Waits until the connection's roles are VALID: each role-validation-changed event of it (from
 * the tenant's subscription) is followed by one read; `seen` is how many such events the flow
 * had already consumed. Returns the new count. An INVALID role fails the flow.
 */
export async function waitRolesValid(
  ctx: ScenarioContext,
  account: WorldAccount,
  id: string,
  seen: number,
): Promise<number> {
  let consumed = seen;
  for (;;) {
    const event = await ctx.events.waitFor(
      id,
      (e) => e.type === VALIDATION_CHANGED && ctx.events.countOf(id, VALIDATION_CHANGED) > consumed,
      ctx.timeoutMs,
    );
    if (!event) {
      throw new WaitTimeout(`the roles of connection ${id} to be validated`);
    }
    consumed = ctx.events.countOf(id, VALIDATION_CHANGED);
    const view = await readConnection(ctx, account, id, 'get-validation');
    const statuses = view?.roleValidation.map((v) => v.status) ?? [];
    if (statuses.includes('INVALID')) {
      throw Object.assign(new Error(`a role of connection ${id} is INVALID`), {
        code: 'ROLE_INVALID',
      });
    }
    if (statuses.length > 0 && statuses.every((s) => s === 'VALID')) {
      return consumed;
    }
  }
}

/** Create (environment account) and accept (management account): a CONNECTED connection's id. */
export async function connect(
  ctx: ScenarioContext,
  account: WorldAccount,
  environmentName: string,
): Promise<string> {
  const env = ctx.proton(account);
  const mgmt = ctx.proton(managementOf(ctx, account));
  const created = await ctx.op('create-connection', () =>
    env.send(
      new CreateEnvironmentAccountConnectionCommand({
        environmentName,
        managementAccountId: account.managementAccountId,
        roleArn: roleArn(account.accountId),
      }),
    ),
  );
  const id = created.environmentAccountConnection?.id as string;
  await ctx.op('accept-connection', () =>
    mgmt.send(new AcceptEnvironmentAccountConnectionCommand({ id })),
  );
  return id;
}

export function managementOf(ctx: ScenarioContext, account: WorldAccount): WorldAccount {
  const found = ctx.world.managementAccounts.find(
    (m) => m.accountId === account.managementAccountId,
  );
  if (!found) {
    throw new Error(`no management account ${account.managementAccountId} in the world`);
  }
  return found;
}
