import { execFile } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { apiUrl, createTenant, ok, TestTenant } from './test/client';
import { count } from './test/db';
import { ROOT } from './test/stack';

const run = promisify(execFile);

const WORLD = `# a small world
managementAccountId: "920000000000"
accounts:
  - accountIds: ["920000000000"]
  - firstAccountId: "910000000000"
    count: 3
roles:
  - roleName: ProtonServiceRole
    path: /service-role/
    trustPolicy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: { Service: proton.amazonaws.com }
          Action: sts:AssumeRole
          Condition:
            StringEquals: { "aws:SourceAccount": "{managementAccountId}" }
apiKeys: true
accessKeys: true
users:
  - { name: Ada Admin, email: ada@example.com }
  - { name: Lee Power, email: lee@example.com }
spaces:
  - name: load-space
    region: us-west-2
    owner: ada@example.com
    members:
      - { email: lee@example.com, role: POWER_USER }
`;

/** The CLI as a user runs it (npm run world -- …), against the test stack. */
async function world(tenant: TestTenant, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(ROOT, 'tools/world.mjs'), ...args, '--url', apiUrl(), '--key', tenant.admin.token!],
      { cwd: ROOT },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const rows = (table: string, tenant: TestTenant) => count(table, '"tenantId" = $1', [tenant.id]);

describe('world files (npm run world)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'accountlink-world-'));
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTenant('world-cli');
  });

  it('applies a world file, once: a second apply creates nothing', async () => {
    const file = join(dir, 'small.yaml');
    writeFileSync(file, WORLD);
    const first = await world(tenant, 'apply', file);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      accountsCreated: 4,
      accountsExisting: 0,
      rolesCreated: 4,
      keysMinted: 8,
      usersCreated: 2,
      spacesCreated: 1,
      membersAdded: 1,
      credentials: join(dir, 'small.credentials.ndjson'),
    });
    expect(await rows('accounts', tenant)).toBe(4);
    const role = await ok<{ role: { assumeRolePolicyDocument: string } }>(
      'query { role(accountId: "910000000002", roleName: "ProtonServiceRole") { assumeRolePolicyDocument } }',
      {},
      tenant.admin,
    );
    expect(JSON.parse(role.role.assumeRolePolicyDocument).Statement[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '920000000000' },
    });
    const spaces = await ok<{
      spaces: {
        edges: { node: { name: string; members: { role: string; user: { email: string } }[] } }[];
      };
    }>('{ spaces { edges { node { name members { role user { email } } } } } }', {}, tenant.admin);
    expect(spaces.spaces.edges.map((e) => e.node)).toEqual([
      {
        name: 'load-space',
        members: expect.arrayContaining([
          { role: 'SPACE_ADMINISTRATOR', user: { email: 'ada@example.com' } },
          { role: 'POWER_USER', user: { email: 'lee@example.com' } },
        ]),
      },
    ]);
    // The secrets are in the credentials file, readable by its owner only.
    expect(statSync(join(dir, 'small.credentials.ndjson')).mode & 0o777).toBe(0o600);

    const again = await world(tenant, 'apply', file);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      accountsCreated: 0,
      accountsExisting: 4,
      rolesCreated: 0,
      keysMinted: 0,
      usersCreated: 0,
      spacesCreated: 0,
      membersAdded: 0,
    });
    expect(await rows('accounts', tenant)).toBe(4);
    expect(await rows('users', tenant)).toBe(2);
  });

  it('exports the credentials as NDJSON or CSV, and they work', async () => {
    const credentials = join(dir, 'small.credentials.ndjson');
    const ndjson = await world(tenant, 'export', '--credentials', credentials);
    const lines = ndjson.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(lines.filter((l) => l.kind === 'account').map((l) => l.accountId)).toEqual([
      '920000000000',
      '910000000000',
      '910000000001',
      '910000000002',
    ]);
    expect(lines.filter((l) => l.kind === 'user').map((l) => l.email)).toEqual([
      'ada@example.com',
      'lee@example.com',
    ]);
    const me = await ok<{ me: { kind: string } }>(
      '{ me { kind } }',
      {},
      { token: lines[4].apiKey },
    );
    expect(me.me.kind).toBe('USER');
    const csv = await world(tenant, 'export', '--credentials', credentials, '--format', 'csv');
    const table = csv.stdout.trim().split('\n');
    expect(table[0]).toBe('kind,accountId,email,userId,apiKey,accessKeyId,secretAccessKey');
    expect(table).toHaveLength(1 + 6);
    expect(table[1].split(',').slice(0, 2)).toEqual(['account', '920000000000']);
    expect(table[1].split(',')[5]).toBe(lines[0].accessKeyId);
  });

  it('refuses a bad file naming its line, applying nothing', async () => {
    const t = await createTenant('world-cli-bad');
    const cases: [string, RegExp][] = [
      [WORLD.replace('count: 3', 'count: three'), /bad\.yaml:[56]:\d+: accounts\.1/],
      [WORLD.replace('region: us-west-2', 'region: mars-1'), /bad\.yaml:25:\d+: spaces\.0\.region/],
      [
        WORLD.replace('- { email: lee@example.com', '- { email: kim@example.com'),
        /bad\.yaml:28:\d+: .*kim@example\.com is not among users/,
      ],
      [WORLD.replace('Principal: { Service', 'Principal: { Service: [ '), /bad\.yaml:1[4-9]:\d+: /],
      [`${WORLD}colour: blue\n`, /bad\.yaml:\d+:\d+: .*colour/],
    ];
    for (const [text, expected] of cases) {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, text);
      const refused = await world(t, 'apply', file);
      expect({ code: refused.code, stderr: refused.stderr }).toEqual({
        code: 2,
        stderr: expect.stringMatching(expected),
      });
    }
    expect(await rows('accounts', t)).toBe(0);
    expect(await rows('users', t)).toBe(0);
  });
});
