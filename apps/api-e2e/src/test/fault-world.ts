import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CallOptions, gql, ok, OPERATOR, trustPolicy } from './client';
import { waitFor } from './stack';

/** The fault suite's Proton world: a tenant, an environment and a management account, a role. */
export const FAULT_ENV = '123456789222';
export const FAULT_MGMT = '123456789111';

export interface FaultWorld {
  admin: CallOptions;
  /** An account key of the environment account, and one of the management account. */
  env: CallOptions;
  mgmt: CallOptions;
  /** The environment account's Proton service role, trusted for the management account. */
  roleArn: string;
}

const CREATE = `mutation($input: CreateEnvironmentAccountConnectionInput!) {
  createEnvironmentAccountConnection(input: $input) { id } }`;

/** A new tenant on the API at `url` with the two accounts, their keys and the service role. */
export async function faultWorld(url: string, roleName: string): Promise<FaultWorld> {
  const at = (token: string): CallOptions => ({ token, url });
  const tenant = await ok<{ createTenant: { adminKey: string } }>(
    `mutation { createTenant(input: { name: "fault-${randomUUID().slice(0, 8)}" }) { adminKey } }`,
    {},
    { ...OPERATOR, url },
  );
  const admin = at(tenant.createTenant.adminKey);
  const keys: CallOptions[] = [];
  for (const accountId of [FAULT_ENV, FAULT_MGMT]) {
    await ok(
      'mutation($a: String) { createAccount(input: { accountId: $a }) { accountId } }',
      { a: accountId },
      admin,
    );
    const key = await ok<{ createApiKey: { key: string } }>(
      'mutation($a: String) { createApiKey(input: { accountId: $a }) { key } }',
      { a: accountId },
      admin,
    );
    keys.push(at(key.createApiKey.key));
  }
  await ok(
    'mutation($input: CreateRoleInput!) { createRole(input: $input) { arn } }',
    {
      input: {
        accountId: FAULT_ENV,
        roleName,
        path: '/service-role/',
        assumeRolePolicyDocument: trustPolicy('proton.amazonaws.com', FAULT_MGMT),
      },
    },
    admin,
  );
  return {
    admin,
    env: keys[0] as CallOptions,
    mgmt: keys[1] as CallOptions,
    roleArn: `arn:aws:iam::${FAULT_ENV}:role/service-role/${roleName}`,
  };
}

/** Creates one connection of `world`'s environment account (GraphQL); its id, or the error. */
export async function createConnection(
  world: FaultWorld,
  environmentName: string,
): Promise<{ id: string } | { code: string }> {
  const res = await gql<{ createEnvironmentAccountConnection: { id: string } }>(
    CREATE,
    { input: { environmentName, managementAccountId: FAULT_MGMT, roleArn: world.roleArn } },
    world.env,
  ).catch(() => null);
  const id = res?.data?.createEnvironmentAccountConnection?.id;
  return id ? { id } : { code: String(res?.errors?.[0]?.extensions?.code ?? 'NO_ANSWER') };
}

/** A steady create load: one create every `everyMs`, the ids created and the refusals by code. */
export interface CreateLoad {
  created: string[];
  refusals: Record<string, number>;
  stop(): Promise<void>;
}

export function createLoad(world: FaultWorld, prefix: string, everyMs: number): CreateLoad {
  const created: string[] = [];
  const refusals: Record<string, number> = {};
  let n = 0;
  let loading = true;
  const loop = (async () => {
    while (loading) {
      const started = Date.now();
      const result = await createConnection(world, `${prefix}-${n++}`);
      if ('id' in result) {
        created.push(result.id);
      } else {
        refusals[result.code] = (refusals[result.code] ?? 0) + 1;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - started))));
    }
  })();
  return {
    created,
    refusals,
    stop: async () => {
      loading = false;
      await loop;
    },
  };
}

/** How many of the connections have every role validation VALID. */
export async function countValidated(owner: pg.Pool, ids: readonly string[]): Promise<number> {
  const { rows } = await owner.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM connection_role_validations
      WHERE "connectionId" = ANY($1::uuid[]) AND status = 'VALID'`,
    [ids],
  );
  return rows[0]?.n ?? 0;
}

/** Waits until every connection's role is validated and the outbox has nothing unpublished. */
export async function waitValidatedAndDrained(
  owner: pg.Pool,
  ids: readonly string[],
  timeoutMs = 60_000,
): Promise<void> {
  await waitFor(
    async () => (await countValidated(owner, ids)) === ids.length,
    'every role validation',
    timeoutMs,
  );
  await waitFor(
    async () =>
      (
        await owner.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM outbox_events WHERE "publishedAt" IS NULL`,
        )
      ).rows[0]?.n === 0,
    'the outbox to drain',
    30_000,
  );
}
