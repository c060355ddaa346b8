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
import { APP_ROLE, AppConfig, ConfigModule, loadConfig } from '@accountlink/config';
import { DbModule } from '@accountlink/db';
import { IamModule, RoleService } from '@accountlink/iam';
import {
  AccessKeyService,
  AccountService,
  ApiKeyService,
  TenancyModule,
  TenantService,
} from '@accountlink/tenancy';
import { Client } from 'pg';

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

interface DemoCredentials {
  tenant: string;
  adminKey: string;
  accounts: Record<
    string,
    { role: string; apiKey: string; accessKeyId: string; secretAccessKey: string }
  >;
}

@Module({ imports: [ConfigModule, DbModule, TenancyModule, IamModule] })
class SeedModule {}

async function ensureAppRoleLogin(config: AppConfig): Promise<void> {
  const client = new Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    await client.query(
      `ALTER ROLE ${APP_ROLE} WITH LOGIN PASSWORD ${client.escapeLiteral(config.appDatabasePassword)}`,
    );
  } finally {
    await client.end();
  }
}

async function seedDemo(config: AppConfig): Promise<DemoCredentials> {
  const file = join(config.dataDir, 'demo-credentials.json');
  const app = await NestFactory.createApplicationContext(SeedModule, { logger: ['error', 'warn'] });
  try {
    const owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    const existing = await owner.query<{ id: string }>('SELECT id FROM tenants WHERE name = $1', [
      'demo',
    ]);
    await owner.end();
    if (existing.rows[0] && existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials & {
        tenantId?: string;
      };
      if (saved.tenantId === existing.rows[0].id) {
        return saved;
      }
    }
    // The tenant exists but its shown-once keys are not on this machine: mint fresh ones.
    let tenantId = existing.rows[0]?.id;
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
    const credentials = { tenant: 'demo', tenantId, adminKey, accounts };
    writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    return credentials;
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  await ensureAppRoleLogin(config);
  if (!process.argv.includes('--demo')) {
    return;
  }
  const demo = await seedDemo(config);
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
