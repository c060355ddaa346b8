import { ProtonClient, ProtonClientConfig } from '@aws-sdk/client-proton';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  accountKey,
  apiUrl,
  CallOptions,
  createAccount,
  createRole,
  createTenant,
  ok,
  TestTenant,
  trustPolicy,
} from './client';

export const ENV = '123456789222';
export const MGMT = '123456789111';
export const SEED_ROLE = `arn:aws:iam::${ENV}:role/service-role/env-account-proton-service-role`;

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ProtonWorld {
  tenant: TestTenant;
  keys: Record<string, AccessKey>;
  gql: Record<string, CallOptions>;
  client(accountId: string, config?: Partial<ProtonClientConfig>): ProtonClient;
}

/**
 * A tenant with the seed's two accounts (plus a third, unrelated one), the seed's service role in
 * the environment account, and an access key and API key per account.
 */
export async function protonWorld(
  extraAccounts: string[] = ['123456789333'],
): Promise<ProtonWorld> {
  const tenant = await createTenant('proton');
  const keys: Record<string, AccessKey> = {};
  const gql: Record<string, CallOptions> = {};
  for (const accountId of [MGMT, ENV, ...extraAccounts]) {
    await createAccount(tenant, accountId);
    keys[accountId] = await accessKey(tenant, accountId);
    gql[accountId] = await accountKey(tenant, accountId);
  }
  await ok(
    'mutation($input: CreateRoleInput!) { createRole(input: $input) { arn } }',
    {
      input: {
        accountId: ENV,
        roleName: 'env-account-proton-service-role',
        path: '/service-role/',
        assumeRolePolicyDocument: trustPolicy('proton.amazonaws.com', MGMT),
      },
    },
    tenant.admin,
  );
  await createRole(tenant, ENV, 'codebuild-role', trustPolicy('codebuild.amazonaws.com', MGMT));
  return {
    tenant,
    keys,
    gql,
    client: (accountId, config = {}) =>
      new ProtonClient({
        endpoint: apiUrl(),
        region: 'us-east-1',
        credentials: keys[accountId],
        ...config,
      }),
  };
}

export async function accessKey(tenant: TestTenant, accountId: string): Promise<AccessKey> {
  const data = await ok<{ createAccessKey: AccessKey }>(
    'mutation($id: String!) { createAccessKey(input: { accountId: $id }) { accessKeyId secretAccessKey } }',
    { id: accountId },
    tenant.admin,
  );
  return data.createAccessKey;
}

/** A raw awsJson1_0 request signed with SigV4 (optionally at another time), for protocol tests. */
export async function rawAws(
  target: string,
  body: unknown,
  key: AccessKey,
  options: {
    signingDate?: Date;
    region?: string;
    service?: string;
    /** Headers present in the request but left out of the signature. */
    unsigned?: string[];
    tamper?: (headers: Record<string, string>) => void;
  } = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const url = new URL(apiUrl());
  const signer = new SignatureV4({
    service: options.service ?? 'proton',
    region: options.region ?? 'us-east-1',
    credentials: key,
    sha256: Sha256,
  });
  const payload = JSON.stringify(body);
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': target,
      },
      body: payload,
    },
    {
      signingDate: options.signingDate ?? new Date(),
      unsignableHeaders: options.unsigned ? new Set(options.unsigned) : undefined,
    },
  );
  const headers = { ...(signed.headers as Record<string, string>) };
  options.tamper?.(headers);
  delete headers.host;
  const res = await fetch(`${apiUrl()}/`, { method: 'POST', headers, body: payload });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown>,
  };
}

export async function waitUntil(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
