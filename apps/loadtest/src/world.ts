import { GraphqlClient } from './client/graphql';

/** One account of the world, with the credentials minted for it (secrets stay in memory). */
export interface WorldAccount {
  accountId: string;
  apiKey: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The management account this environment account connects to (Proton scenarios). */
  managementAccountId: string;
}

export interface World {
  tenantId: string;
  /** The tenant administrator's key: world creation, settings, the audit's read-back. */
  adminKey: string;
  managementAccounts: WorldAccount[];
  accounts: WorldAccount[];
  /** The tenant settings the run set (shown in the report). */
  settings: Record<string, number>;
  /** Seconds the world took to create (createWorld and the credentials' downloads). */
  createdInSeconds: number;
}

/** A role every environment account gets: its name and trust policy (with createWorld's placeholders). */
export interface WorldRole {
  roleName: string;
  assumeRolePolicyDocument: string;
}

export const MANAGEMENT_FIRST = 100_000_000_000;
export const ENVIRONMENT_FIRST = 200_000_000_000;
/** Environment accounts per management account: a platform team's share of a large estate. */
export const ACCOUNTS_PER_MANAGEMENT = 1000;

/** A trust policy letting `service` assume the role for the world's management account. */
export function trustFor(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': '{managementAccountId}' } },
      },
    ],
  });
}

/** The quotas and rates a load test raises out of its way (everything else keeps its default). */
export function runSettings(accounts: number): Record<string, number> {
  const room = Math.max(1000, accounts * 2);
  return {
    requestsPerSecondPerAccount: 100_000,
    connectionQuota: Math.min(1_000_000, room),
    environmentQuota: Math.min(1_000_000, room),
    accountConnectionQuota: Math.min(100_000, room),
    verificationsPerMinutePerCaller: 100_000,
    verificationsPerMinutePerTenant: 1_000_000,
    worldAccountLimit: Math.min(100_000, Math.max(ACCOUNTS_PER_MANAGEMENT, accounts)),
  };
}

interface CredentialLine {
  accountId: string;
  apiKey?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

interface CreateWorld {
  createWorld: {
    accountsCreated: number;
    credentials: { worldId: string; downloadToken: string } | null;
  };
}

const CREATE_WORLD = `mutation($input: CreateWorldInput!) { createWorld(input: $input) {
  accountsCreated credentials { worldId downloadToken } } }`;

export interface WorldRequest {
  url: string;
  gql: GraphqlClient;
  /** A tenant administrator's key; without it, a new tenant is created with the operator token. */
  adminKey?: string;
  operatorToken?: string;
  tenantName: string;
  accounts: number;
  role: WorldRole | null;
  settings: Record<string, number>;
}

/**
 * The world of a run, through the public API: a tenant (new, unless an admin key is given), its
 * settings, ⌈N/1000⌉ management accounts and N environment accounts with the scenario's role, an
 * API key and an access key each (createWorld, one call per management account), and their
 * credentials downloaded once.
 */
export async function createWorld(request: WorldRequest): Promise<World> {
  const started = performance.now();
  const { gql } = request;
  let adminKey = request.adminKey;
  if (!adminKey) {
    if (!request.operatorToken) {
      throw new Error(
        'no tenant: give --admin-key, or an operator token (--operator-token, OPERATOR_TOKEN, .data/operator-token)',
      );
    }
    const created = await gql.request<{ createTenant: { adminKey: string } }>(
      'mutation($n: String!) { createTenant(input: { name: $n }) { adminKey } }',
      { n: request.tenantName },
      { key: request.operatorToken },
    );
    adminKey = created.createTenant.adminKey;
  }
  const admin = { key: adminKey };
  const me = await gql.request<{ me: { tenant: { id: string } | null; kind: string } }>(
    '{ me { kind tenant { id } } }',
    {},
    admin,
  );
  if (me.me.kind !== 'TENANT_ADMIN' || !me.me.tenant) {
    throw new Error(`the admin key acts as ${me.me.kind}, not as a tenant administrator`);
  }
  await gql.request(
    'mutation($s: UpdateTenantSettingsInput!) { updateTenantSettings(input: $s) { connectionQuota } }',
    { s: request.settings },
    admin,
  );

  const groups = Math.max(1, Math.ceil(request.accounts / ACCOUNTS_PER_MANAGEMENT));
  const managementIds = Array.from({ length: groups }, (_, i) => String(MANAGEMENT_FIRST + i));
  const credentials = new Map<string, CredentialLine>();
  const apply = async (input: Record<string, unknown>): Promise<void> => {
    const { createWorld } = await gql.request<CreateWorld>(CREATE_WORLD, { input }, admin);
    if (createWorld.credentials) {
      for (const line of await download(request.url, adminKey, createWorld.credentials)) {
        credentials.set(line.accountId, line);
      }
    }
  };
  await apply({ accountIds: managementIds, apiKeys: true, accessKeys: true });
  for (let g = 0; g < groups; g++) {
    const first = g * ACCOUNTS_PER_MANAGEMENT;
    const count = Math.min(ACCOUNTS_PER_MANAGEMENT, request.accounts - first);
    await apply({
      firstAccountId: String(ENVIRONMENT_FIRST + first),
      count,
      managementAccountId: managementIds[g],
      roles: request.role ? [request.role] : [],
      apiKeys: true,
      accessKeys: true,
    });
  }

  const account = (accountId: string, managementAccountId: string): WorldAccount => {
    const line = credentials.get(accountId);
    if (!line?.apiKey || !line.accessKeyId || !line.secretAccessKey) {
      // createWorld leaves an existing account as it is: its keys were handed out before.
      throw new Error(
        `account ${accountId} already existed in this tenant: use a fresh tenant (omit --admin-key)`,
      );
    }
    return {
      accountId,
      apiKey: line.apiKey,
      accessKeyId: line.accessKeyId,
      secretAccessKey: line.secretAccessKey,
      managementAccountId,
    };
  };
  return {
    tenantId: me.me.tenant.id,
    adminKey,
    managementAccounts: managementIds.map((id) => account(id, id)),
    accounts: Array.from({ length: request.accounts }, (_, i) =>
      account(
        String(ENVIRONMENT_FIRST + i),
        managementIds[Math.floor(i / ACCOUNTS_PER_MANAGEMENT)],
      ),
    ),
    settings: request.settings,
    createdInSeconds: (performance.now() - started) / 1000,
  };
}

/** The one download of a world's credentials (NDJSON, one account a line). */
async function download(
  url: string,
  adminKey: string,
  { worldId, downloadToken }: { worldId: string; downloadToken: string },
): Promise<CredentialLine[]> {
  const res = await fetch(new URL(`/worlds/${worldId}/credentials`, url), {
    headers: { authorization: `Bearer ${adminKey}`, 'x-download-token': downloadToken },
  });
  if (!res.ok) {
    throw new Error(`credentials download: HTTP ${res.status}`);
  }
  const text = await res.text();
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as CredentialLine);
}
