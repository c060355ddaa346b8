/**
 * Database bootstrap, run after migrations with the owner connection:
 *   seed.js            lets the application role log in with APP_DATABASE_PASSWORD
 *   seed.js --demo     also seeds the "demo" tenant (idempotent) and prints its credentials
 * The demo tenant is created through the same services the API uses, so it is a real tenant.
 */
import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { TenantPrincipal } from '@accountlink/common';
import { APP_ROLE, AppConfig, ConfigModule, loadConfig } from '@accountlink/config';
import {
  AccountConnectionService,
  CodeCatalystCoreModule,
  SpaceService,
} from '@accountlink/codecatalyst';
import { DbModule, setAppRolePassword, SystemDatabase } from '@accountlink/db';
import { OutboxModule } from '@accountlink/events';
import { IamModule, RoleService } from '@accountlink/iam';
import {
  AccessKeyService,
  AccountService,
  ApiKeyService,
  TenancyModule,
  TenantRepository,
  TenantService,
  UserService,
} from '@accountlink/tenancy';

const MANAGEMENT = '111111111111';
const ENVIRONMENT = '222222222222';
const PROTON_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'proton.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': MANAGEMENT } },
    },
  ],
});

const DEMO_USER = { name: 'Dana Demo', email: 'dana@demo.example' };
const DEMO_SPACE = { name: 'demo-space', region: 'us-west-2' };

interface DemoCredentials {
  tenant: string;
  adminKey: string;
  accounts: Record<
    string,
    { role: string; apiKey: string; accessKeyId: string; secretAccessKey: string }
  >;
  /** The space administrator of the demo space, for the portal's space side. */
  user?: { id: string; name: string; apiKey: string };
  space?: { id: string; name: string; region: string };
  /** The pending request of the environment account to the demo space (refreshed every seed). */
  pendingToken?: string | null;
}

@Module({
  imports: [ConfigModule, DbModule, OutboxModule, TenancyModule, IamModule, CodeCatalystCoreModule],
})
class SeedModule {}

async function ensureAppRoleLogin(system: SystemDatabase, config: AppConfig): Promise<void> {
  await setAppRolePassword(system, APP_ROLE, config.appDatabasePassword);
}

async function seedDemo(system: SystemDatabase, config: AppConfig): Promise<DemoCredentials> {
  const file = join(config.dataDir, 'demo-credentials.json');
  const app = await NestFactory.createApplicationContext(SeedModule, { logger: ['error', 'warn'] });
  try {
    const existing = await app.get(TenantRepository).idByName(system.db, 'demo');
    if (existing && existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials & {
        tenantId?: string;
      };
      if (saved.tenantId === existing && saved.user && saved.space) {
        return await withPendingRequest(app, existing, saved, file);
      }
    }
    // The tenant exists but its shown-once keys are not on this machine: mint fresh ones.
    let tenantId = existing ?? undefined;
    let adminKey: string;
    if (tenantId) {
      adminKey = (await app.get(ApiKeyService).createApiKey(tenantId)).key;
    } else {
      const created = await app.get(TenantService).createTenant('demo');
      tenantId = created.tenant.id;
      adminKey = created.adminKey;
    }
    const accounts: DemoCredentials['accounts'] = {};
    for (const [accountId, role] of [
      [MANAGEMENT, 'management'],
      [ENVIRONMENT, 'environment'],
    ] as const) {
      if (!(await app.get(AccountService).getAccount(tenantId, accountId))) {
        await app.get(AccountService).createAccount(tenantId, { accountId, alias: `demo-${role}` });
      }
      const apiKey = (await app.get(ApiKeyService).createApiKey(tenantId, accountId)).key;
      const accessKey = await app.get(AccessKeyService).createAccessKey(tenantId, accountId);
      accounts[accountId] = {
        role,
        apiKey,
        accessKeyId: accessKey.accessKeyId,
        secretAccessKey: accessKey.secretAccessKey,
      };
    }
    const roles = app.get(RoleService);
    if (!(await roles.getRole(tenantId, ENVIRONMENT, 'ProtonServiceRole'))) {
      await roles.createRole(tenantId, {
        accountId: ENVIRONMENT,
        roleName: 'ProtonServiceRole',
        assumeRolePolicyDocument: PROTON_TRUST,
      });
    }
    const users = app.get(UserService);
    const listed = await users.listUsers(tenantId, 100);
    const user =
      listed.items.find((u) => u.email === DEMO_USER.email) ??
      (await users.createUser(tenantId, DEMO_USER));
    const userKey = (await app.get(ApiKeyService).createApiKey(tenantId, null, user.id)).key;
    const spaces = app.get(SpaceService);
    const principal: TenantPrincipal = {
      kind: 'USER',
      tenantId,
      tenantName: 'demo',
      userId: user.id,
      keyId: '',
    };
    const space =
      (await spaces.listSpaces(principal, 100)).items.find((s) => s.name === DEMO_SPACE.name) ??
      (await spaces.createSpace({ tenantId, userId: user.id }, DEMO_SPACE));
    const credentials: DemoCredentials & { tenantId: string } = {
      tenant: 'demo',
      tenantId,
      adminKey,
      accounts,
      user: { id: user.id, name: user.name, apiKey: userKey },
      space: { id: space.id, name: space.name, region: space.region },
    };
    return await withPendingRequest(app, tenantId, credentials, file);
  } finally {
    await app.close();
  }
}

/**
 * A pending request of the environment account to the demo space, made again on every seed (it
 * replaces the last one, whose token expires in a day), so that the portal has something to
 * verify; none once the account is verified in the space. Writes the credentials file.
 */
async function withPendingRequest(
  app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>,
  tenantId: string,
  credentials: DemoCredentials,
  file: string,
): Promise<DemoCredentials> {
  let pendingToken: string | null = null;
  try {
    const requested = await app.get(AccountConnectionService).request(
      { tenantId, userId: credentials.user!.id },
      {
        spaceId: credentials.space!.id,
        accountId: ENVIRONMENT,
        displayName: 'Demo environment account',
        description: 'Seeded by npm start: verify it in the portal',
      },
    );
    pendingToken = requested.token;
  } catch {
    // Already connected to the space: nothing is pending.
  }
  const result = { ...credentials, pendingToken };
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`, { mode: 0o600 });
  return result;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const system = new SystemDatabase(config.databaseUrl, 1);
  let demo: DemoCredentials;
  try {
    await ensureAppRoleLogin(system, config);
    if (!process.argv.includes('--demo')) {
      return;
    }
    demo = await seedDemo(system, config);
  } finally {
    await system.destroy();
  }
  const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  const lines = [
    '',
    `  GraphQL:          ${base}/graphql   (subscriptions: ws://…/graphql, graphql-ws)`,
    `  AWS endpoint:     ${base}/`,
    `  Operator token:   ${config.operatorToken}${config.operatorTokenFile ? `   (kept in ${config.operatorTokenFile})` : ''}`,
    `  Demo tenant:      ${demo.tenant}`,
    `  Tenant admin key: ${demo.adminKey}`,
    ...Object.entries(demo.accounts).flatMap(([accountId, a]) => [
      `  Account ${accountId} (${a.role}):`,
      `      API key:           ${a.apiKey}`,
      `      access key id:     ${a.accessKeyId}`,
      `      secret access key: ${a.secretAccessKey}`,
    ]),
    `  Role: arn:aws:iam::${ENVIRONMENT}:role/ProtonServiceRole (trusts proton.amazonaws.com, aws:SourceAccount ${MANAGEMENT})`,
    `  Partner portal:   ${base}/portal/`,
    `      space administrator ${demo.user?.name} (space ${demo.space?.name}), API key: ${demo.user?.apiKey}`,
    demo.pendingToken
      ? `      verification link (sign in with account ${ENVIRONMENT}'s API key): ${base}/portal/verify#${new URLSearchParams({ token: demo.pendingToken, region: demo.space?.region ?? '' }).toString()}`
      : `      account ${ENVIRONMENT} is already connected to ${demo.space?.name}: request another in the portal`,
    `  Credentials saved in ${join(config.dataDir, 'demo-credentials.json')}`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `seed failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
