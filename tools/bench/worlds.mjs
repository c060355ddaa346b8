#!/usr/bin/env node
// npm run bench:worlds -- [--world-accounts 10000] [--url …]
//
// Bulk worlds: one createWorld call makes N accounts, each with a role (its trust policy naming
// the management account), an API key and an access key; then the one download of their
// credentials (NDJSON). Timed from the call to the last line read.
import { pathToFileURL } from 'node:url';
import { arg, gql, operator, options, protonTrust } from './lib.mjs';

const ACCOUNTS = Number(arg('world-accounts', 10_000));

export async function runWorlds() {
  console.log(`\n## Bulk worlds: ${ACCOUNTS} accounts, a role, an API key and an access key each`);
  const { createTenant } = await gql(
    'mutation($n: String!) { createTenant(input: { name: $n }) { adminKey } }',
    { n: `bench-world-${Date.now()}` },
    operator,
  );
  const admin = createTenant.adminKey;
  await gql(
    'mutation($n: Int!) { updateTenantSettings(input: { worldAccountLimit: $n }) { worldAccountLimit } }',
    { n: Math.max(ACCOUNTS, 1) },
    admin,
  );
  const start = performance.now();
  const { createWorld } = await gql(
    `mutation($input: CreateWorldInput!) { createWorld(input: $input) {
      accountsCreated rolesCreated apiKeysCreated accessKeysCreated credentials { path downloadToken } } }`,
    {
      input: {
        firstAccountId: '400000000000',
        count: ACCOUNTS,
        managementAccountId: '499999999999',
        roles: [
          {
            roleName: 'ProtonServiceRole',
            path: '/service-role/',
            assumeRolePolicyDocument: protonTrust('{managementAccountId}'),
          },
        ],
        apiKeys: true,
        accessKeys: true,
      },
    },
    admin,
  );
  const created = performance.now();
  const res = await fetch(new URL(createWorld.credentials.path, options.url), {
    headers: {
      authorization: `Bearer ${admin}`,
      'x-download-token': createWorld.credentials.downloadToken,
    },
  });
  const lines = (await res.text()).trim().split('\n').length;
  const done = performance.now();
  if (createWorld.accountsCreated !== ACCOUNTS || lines !== ACCOUNTS) {
    throw new Error(`created ${createWorld.accountsCreated}, downloaded ${lines} of ${ACCOUNTS}`);
  }
  const figures = {
    accounts: ACCOUNTS,
    createSeconds: (created - start) / 1000,
    downloadSeconds: (done - created) / 1000,
    totalSeconds: (done - start) / 1000,
    rolesCreated: createWorld.rolesCreated,
    apiKeysCreated: createWorld.apiKeysCreated,
    accessKeysCreated: createWorld.accessKeysCreated,
  };
  console.log(
    `createWorld ${figures.createSeconds.toFixed(2)} s (${Math.round(ACCOUNTS / figures.createSeconds)} accounts/s with ${figures.rolesCreated} roles, ${figures.apiKeysCreated} API keys, ${figures.accessKeysCreated} access keys); credentials download ${figures.downloadSeconds.toFixed(2)} s; total ${figures.totalSeconds.toFixed(2)} s`,
  );
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  runWorlds().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
