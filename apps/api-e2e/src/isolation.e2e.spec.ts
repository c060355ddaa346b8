import { UpdateAccountSettingsCommand } from '@aws-sdk/client-proton';
import {
  accountKey,
  createAccount,
  createRole,
  createTenant,
  fails,
  ok,
  TestTenant,
} from './test/client';
import { appPool, ownerPool } from './test/db';
import {
  createEnvironment,
  environmentWorld,
  publishedTemplate,
  settled,
} from './test/environments';
import { ENV, MGMT, protonWorld, SEED_ROLE } from './test/proton';

const ACCOUNTS = '{ accounts { edges { node { accountId alias } } } }';
const ROLES = 'query($id: String!) { roles(accountId: $id) { edges { node { arn roleName } } } }';

describe('tenant isolation', () => {
  let a: TestTenant;
  let b: TestTenant;

  beforeAll(async () => {
    a = await createTenant('iso-a');
    b = await createTenant('iso-b');
    // The same account ids exist in both tenants and never interfere.
    await ok(
      'mutation { createAccount(input: { accountId: "111111111111", alias: "tenant-a" }) { accountId } }',
      {},
      a.admin,
    );
    await ok(
      'mutation { createAccount(input: { accountId: "111111111111", alias: "tenant-b" }) { accountId } }',
      {},
      b.admin,
    );
    await createRole(a, '111111111111', 'OnlyInA');
  });

  it("tenant B's administrator sees only B's accounts and roles, even with the same ids", async () => {
    const accounts = await ok<{ accounts: { edges: { node: { alias: string } }[] } }>(
      ACCOUNTS,
      {},
      b.admin,
    );
    expect(accounts.accounts.edges.map((e) => e.node.alias)).toEqual(['tenant-b']);
    const roles = await ok<{ roles: { edges: unknown[] } }>(ROLES, { id: '111111111111' }, b.admin);
    expect(roles.roles.edges).toEqual([]);
    expect(
      await ok(
        `query { role(accountId: "111111111111", roleName: "OnlyInA") { arn } }`,
        {},
        b.admin,
      ),
    ).toEqual({ role: null });
  });

  it("tenant B cannot change tenant A's roles", async () => {
    const update = await fails(
      'mutation($p: String!) { updateAssumeRolePolicy(input: { accountId: "111111111111", roleName: "OnlyInA", policyDocument: $p }) { arn } }',
      {
        p: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}',
      },
      b.admin,
    );
    expect(update.code).toBe('NOT_FOUND');
    expect(
      (
        await fails(
          'mutation { deleteRole(input: { accountId: "111111111111", roleName: "OnlyInA" }) { arn } }',
          {},
          b.admin,
        )
      ).code,
    ).toBe('NOT_FOUND');
    const still = await ok<{ roles: { edges: unknown[] } }>(ROLES, { id: '111111111111' }, a.admin);
    expect(still.roles.edges).toHaveLength(1);
  });

  it("an account key of tenant B for the same account id sees B's account, not A's", async () => {
    const key = await accountKey(b, '111111111111');
    const me = await ok<{ me: { tenant: { id: string }; account: { accountId: string } } }>(
      '{ me { tenant { id } account { accountId } } }',
      {},
      key,
    );
    expect(me.me.tenant.id).toBe(b.id);
    const roles = await ok<{ roles: { edges: unknown[] } }>(ROLES, { id: '111111111111' }, key);
    expect(roles.roles.edges).toEqual([]);
  });

  it('an account key cannot act for another account', async () => {
    const other = await createAccount(a, '333333333333');
    const key = await accountKey(a, '111111111111');
    expect((await fails(ROLES, { id: other }, key)).code).toBe('FORBIDDEN');
    expect(
      (
        await fails(
          'query($id: String!) { accessKeys(accountId: $id) { accessKeyId } }',
          { id: other },
          key,
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await fails(
          'mutation { createApiKey(input: { accountId: "333333333333" }) { key } }',
          {},
          key,
        )
      ).code,
    ).toBe('FORBIDDEN');
    const accounts = await ok<{ accounts: { edges: { node: { accountId: string } }[] } }>(
      ACCOUNTS,
      {},
      key,
    );
    expect(accounts.accounts.edges.map((e) => e.node.accountId)).toEqual(['111111111111']);
  });
});

describe('row-level security (the database enforces isolation too)', () => {
  const TENANT_TABLES = [
    'tenants',
    'accounts',
    'roles',
    'api_keys',
    'access_keys',
    'outbox_events',
    'environment_account_connections',
    'connection_role_validations',
    'connection_transitions',
    'resource_tags',
    'users',
    'spaces',
    'space_members',
    'account_connections',
    'account_connection_transitions',
    'connection_iam_roles',
    'bundle_objects',
    'environment_templates',
    'environment_template_versions',
    'environments',
    'deployments',
    'stacks',
    'proton_account_settings',
    's3_buckets',
    'world_credentials',
  ];

  it('the application role owns no table and cannot bypass RLS', async () => {
    const { rows } = await ownerPool.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
      "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'accountlink_app'",
    );
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false }]);
    const owned = await ownerPool.query(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'accountlink_app'",
    );
    expect(owned.rows).toEqual([]);
  });

  it('every table with a tenantId column has RLS enabled and a policy', async () => {
    const { rows } = await ownerPool.query<{ table: string; rls: boolean; policies: number }>(`
      SELECT c.relname AS "table", c.relrowsecurity AS rls,
             (SELECT count(*)::int FROM pg_policies p WHERE p.tablename = c.relname) AS policies
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r'
        AND (EXISTS (SELECT 1 FROM information_schema.columns col WHERE col.table_name = c.relname AND col.column_name = 'tenantId')
             OR c.relname = 'tenants')`);
    expect(rows.map((r) => r.table).sort()).toEqual([...TENANT_TABLES].sort());
    for (const row of rows) {
      expect({ table: row.table, rls: row.rls, hasPolicy: row.policies > 0 }).toEqual({
        table: row.table,
        rls: true,
        hasPolicy: true,
      });
    }
  });

  it('a query without a tenant sees no rows, though rows exist', async () => {
    const t = await createTenant('rls-0');
    const accountId = await createAccount(t);
    await createRole(t, accountId, 'Present');
    await ok(
      'mutation($id: String!) { createAccessKey(input: { accountId: $id }) { accessKeyId } }',
      { id: accountId },
      t.admin,
    );
    // A Proton connection with a tag fills the connection, validation, history and tag tables.
    const world = await protonWorld();
    await ok(
      'mutation($input: CreateEnvironmentAccountConnectionInput!) { createEnvironmentAccountConnection(input: $input) { id } }',
      {
        input: {
          environmentName: 'rls',
          managementAccountId: MGMT,
          roleArn: SEED_ROLE,
          tags: [{ key: 'k', value: 'v' }],
        },
      },
      world.gql[ENV],
    );
    // A user with a space fills the CodeCatalyst tables.
    const person = await ok<{ createUser: { id: string } }>(
      'mutation { createUser(input: { name: "Rls", email: "rls@example.com" }) { id } }',
      {},
      t.admin,
    );
    const userKey = await ok<{ createApiKey: { key: string } }>(
      'mutation($u: ID) { createApiKey(input: { userId: $u }) { key } }',
      { u: person.createUser.id },
      t.admin,
    );
    const rlsSpace = await ok<{ createSpace: { id: string } }>(
      'mutation { createSpace(input: { name: "rls-space", region: "us-west-2" }) { id } }',
      {},
      { token: userKey.createApiKey.key },
    );
    const requested = await ok<{
      requestAccountConnection: { token: string; connection: { id: string } };
    }>(
      'mutation($s: ID!, $a: String!) { requestAccountConnection(input: { spaceId: $s, accountId: $a, displayName: "rls" }) { token connection { id } } }',
      { s: rlsSpace.createSpace.id, a: accountId },
      { token: userKey.createApiKey.key },
    );
    const accountCaller = { ...(await accountKey(t, accountId)), region: 'us-west-2' };
    await ok(
      'mutation($t: String!) { acceptAccountConnection(input: { token: $t }) { id } }',
      { t: requested.requestAccountConnection.token },
      accountCaller,
    );
    await ok(
      'mutation($c: ID!, $r: String!) { associateIamRoleToConnection(input: { connectionId: $c, roleArn: $r }) { roleArn } }',
      {
        c: requested.requestAccountConnection.connection.id,
        r: `arn:aws:iam::${accountId}:role/Present`,
      },
      accountCaller,
    );
    // A provisioned environment fills the template, environment, deployment and stack tables.
    const envWorld = await environmentWorld();
    await publishedTemplate(envWorld, 'web');
    await createEnvironment(envWorld, 'rls');
    expect((await settled(envWorld, 'rls')).deploymentStatus).toBe('SUCCEEDED');
    // Account settings fill theirs (the template's bundle filled the S3 bucket and object tables).
    await envWorld.mgmt.send(
      new UpdateAccountSettingsCommand({ pipelineServiceRoleArn: envWorld.mgmtRole }),
    );
    // A bulk world's minted keys wait, sealed, for their download.
    await ok(
      'mutation { createWorld(input: { accountIds: ["777777777777"], apiKeys: true }) { apiKeysCreated } }',
      {},
      t.admin,
    );
    for (const table of TENANT_TABLES) {
      const owner = await ownerPool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${table}"`,
      );
      expect({ table, present: (owner.rows[0]?.n ?? 0) > 0 }).toEqual({ table, present: true });
      const app = await appPool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`);
      expect({ table, visible: app.rows[0]?.n }).toEqual({ table, visible: 0 });
    }
  });

  it('with a tenant set, only that tenant is visible, and writing for another tenant is refused', async () => {
    const t1 = await createTenant('rls-1');
    const t2 = await createTenant('rls-2');
    await createAccount(t1, '444444444444');
    await createAccount(t2, '555555555555');
    const client = await appPool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT set_config('app.tenant_id', $1, true)", [t1.id]);
      const visible = await client.query<{ tenantId: string; accountId: string }>(
        'SELECT "tenantId", "accountId" FROM accounts',
      );
      expect(visible.rows).toEqual([{ tenantId: t1.id, accountId: '444444444444' }]);
      await expect(
        client.query('INSERT INTO accounts ("tenantId", "accountId") VALUES ($1, $2)', [
          t2.id,
          '666666666666',
        ]),
      ).rejects.toThrow(/row-level security/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  it('the application role cannot read the other tables it has no business with', async () => {
    await expect(appPool.query('DELETE FROM "_prisma_migrations"')).rejects.toThrow(
      /permission denied/,
    );
  });
});
