// A benchmark tenant: created through the API (operator), its accounts, roles and keys written
// in bulk through the owner connection (setup is not what is measured).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  gql,
  newAccessKey,
  newApiKey,
  operator,
  ownerUrl,
  protonTrust,
  sha256Hex,
} from './lib.mjs';

export const MGMT = '100000000000';
export const envAccount = (i) => String(200000000000 + i);

/**
 * A tenant with a management account and `accounts` environment accounts, each with the
 * ProtonServiceRole (trusting proton.amazonaws.com for the management account), an API key and
 * an access key. Throttling and quotas are raised out of the way.
 */
export async function benchWorld(accounts, prefix = 'bench', settings = {}) {
  const { createTenant } = await gql(
    'mutation($n: String!) { createTenant(input: { name: $n }) { tenant { id } adminKey } }',
    { n: `${prefix}-${Date.now()}-${randomUUID().slice(0, 4)}` },
    operator,
  );
  const tenantId = createTenant.tenant.id;
  const admin = createTenant.adminKey;
  await gql(
    'mutation($s: UpdateTenantSettingsInput!) { updateTenantSettings(input: $s) { connectionQuota } }',
    {
      s: {
        requestsPerSecondPerAccount: 100000,
        connectionQuota: 100000,
        environmentQuota: 100000,
        ...settings,
      },
    },
    admin,
  );
  const ids = [MGMT, ...Array.from({ length: accounts }, (_, i) => envAccount(i))];
  const creds = {};
  const rows = { key: [], hash: [], prefix: [], access: [], secret: [], account: [] };
  for (const id of ids) {
    const key = newApiKey();
    const access = newAccessKey();
    creds[id] = { key, access };
    rows.account.push(id);
    rows.key.push(randomUUID());
    rows.hash.push(sha256Hex(key));
    rows.prefix.push(key.slice(0, 12));
    rows.access.push(access.accessKeyId);
    rows.secret.push(access.secretAccessKey);
  }
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    await owner.query('BEGIN');
    await owner.query(
      `INSERT INTO accounts ("tenantId", "accountId") SELECT $1, unnest($2::text[])`,
      [tenantId, ids],
    );
    await owner.query(
      `INSERT INTO roles (id, "tenantId", "accountId", "roleName", "roleNameKey", path, "assumeRolePolicyDocument")
       SELECT gen_random_uuid(), $1, a, 'ProtonServiceRole', 'protonservicerole', '/', $3 FROM unnest($2::text[]) a`,
      [tenantId, ids.slice(1), protonTrust(MGMT)],
    );
    await owner.query(
      `INSERT INTO api_keys (id, "tenantId", kind, "accountId", "keyHash", "keyPrefix")
       SELECT k, $1, 'ACCOUNT', a, h, p FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) AS t(k, a, h, p)`,
      [tenantId, rows.key, rows.account, rows.hash, rows.prefix],
    );
    await owner.query(
      `INSERT INTO access_keys ("accessKeyId", "tenantId", "accountId", "secretAccessKey")
       SELECT k, $1, a, s FROM unnest($2::text[], $3::text[], $4::text[]) AS t(k, a, s)`,
      [tenantId, rows.access, rows.account, rows.secret],
    );
    await owner.query('COMMIT');
  } finally {
    await owner.end();
  }
  return { tenantId, admin, creds, envs: ids.slice(1) };
}

export const roleArn = (id) => `arn:aws:iam::${id}:role/ProtonServiceRole`;
