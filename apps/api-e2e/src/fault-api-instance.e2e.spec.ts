import { ChildProcess } from 'node:child_process';
import {
  CallOptions,
  createAccount,
  createTenant,
  gql,
  ok,
  subscribe,
  trustPolicy,
  accountKey,
} from './test/client';
import { ownerPool } from './test/db';
import { freePort, kill } from './test/fault-stack';
import { spawnApp, waitFor } from './test/stack';

const ENV = '123456789222';
const MGMT = '123456789111';
const ROLE = `arn:aws:iam::${ENV}:role/service-role/instance-fault-role`;
const CREATE = `mutation($input: CreateEnvironmentAccountConnectionInput!) {
  createEnvironmentAccountConnection(input: $input) { id } }`;

async function apiInstance(name: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawnApp('api', { PORT: String(port), HOST: '127.0.0.1' }, name);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/health/ready`)).status === 200, `API ${name}`);
  return { url, process: child };
}

/**
 * Two API instances behind a (simulated) load balancer; one is killed (SIGKILL) under a create
 * load. The other loses no request, and every connection either instance committed, before or
 * as it died, reaches a subscriber of the survivor, whole (its role validation and history).
 */
describe('fault: an API instance killed while another serves', () => {
  let survivor: { url: string; process: ChildProcess };
  let victim: { url: string; process: ChildProcess };

  beforeAll(async () => {
    [survivor, victim] = await Promise.all([
      apiInstance('api-survivor'),
      apiInstance('api-victim'),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([kill(survivor.process), kill(victim.process)]);
  });

  it('refuses nothing on the survivor and loses no committed write', async () => {
    const tenant = await createTenant('instance-fault');
    await ok(
      'mutation { updateTenantSettings(input: { requestsPerSecondPerAccount: 100000 }) { requestsPerSecondPerAccount } }',
      {},
      tenant.admin,
    );
    for (const accountId of [ENV, MGMT]) {
      await createAccount(tenant, accountId);
    }
    await createServiceRole(tenant.admin);
    const envKey = (await accountKey(tenant, ENV)).token as string;
    const mgmtKey = (await accountKey(tenant, MGMT)).token as string;
    const at = (url: string): CallOptions => ({ token: envKey, url });
    const events = await subscribe<{ environmentAccountConnectionChanged: { id: string } }>(
      { token: mgmtKey, url: survivor.url },
      'subscription { environmentAccountConnectionChanged { id } }',
    );

    const committed = new Set<string>();
    const failed = { survivor: 0, victim: 0 };
    let n = 0;
    let running = true;
    const loop = (url: string, side: 'survivor' | 'victim') =>
      (async () => {
        while (running) {
          const name = `instance-${side}-${n++}`;
          const res = await gql<{ createEnvironmentAccountConnection: { id: string } }>(
            CREATE,
            { input: { environmentName: name, managementAccountId: MGMT, roleArn: ROLE } },
            at(url),
          ).catch(() => null);
          const id = res?.data?.createEnvironmentAccountConnection?.id;
          if (id) {
            committed.add(id);
          } else {
            failed[side]++;
            if (side === 'victim') {
              return;
            }
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
    const loops = [loop(survivor.url, 'survivor'), loop(victim.url, 'victim')];
    await new Promise((r) => setTimeout(r, 2_000));
    await kill(victim.process);
    await new Promise((r) => setTimeout(r, 2_000));
    running = false;
    await Promise.all(loops);

    // A create the victim committed as it died, without answering, is found by its name.
    const { rows } = await ownerPool.query<{ id: string }>(
      `SELECT id::text AS id FROM environment_account_connections WHERE "tenantId" = $1`,
      [tenant.id],
    );
    for (const row of rows) {
      committed.add(row.id);
    }
    await waitFor(
      async () => {
        const seen = new Set(events.received.map((e) => e.environmentAccountConnectionChanged.id));
        return [...committed].every((id) => seen.has(id));
      },
      'every committed connection at the survivor’s subscriber',
      20_000,
    );
    const whole = await ownerPool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM environment_account_connections c
       WHERE c."tenantId" = $1
         AND EXISTS (SELECT 1 FROM connection_role_validations v WHERE v."connectionId" = c.id)
         AND EXISTS (SELECT 1 FROM connection_transitions t WHERE t."connectionId" = c.id)`,
      [tenant.id],
    );
    console.log(
      `API instance killed under load: ${committed.size} connections committed, ` +
        `${failed.survivor} refused by the survivor, ${failed.victim} cut off by the kill; all delivered`,
    );
    expect(failed.survivor).toBe(0);
    expect(failed.victim).toBeLessThanOrEqual(1);
    expect(whole.rows[0]?.n).toBe(committed.size);
    await events.close();
  }, 60_000);
});

async function createServiceRole(admin: CallOptions): Promise<void> {
  await ok(
    'mutation($input: CreateRoleInput!) { createRole(input: $input) { arn } }',
    {
      input: {
        accountId: ENV,
        roleName: 'instance-fault-role',
        path: '/service-role/',
        assumeRolePolicyDocument: trustPolicy('proton.amazonaws.com', MGMT),
      },
    },
    admin,
  );
}
