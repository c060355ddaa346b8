import { randomUUID } from 'node:crypto';
import { loadConfig } from '@accountlink/config';
import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { stackState } from './stack';

export const config = loadConfig();

export function apiUrl(): string {
  return stackState().url;
}

export interface GqlError {
  message: string;
  extensions?: { code?: string; field?: string; [key: string]: unknown };
}

export interface GqlResponse<T> {
  data?: T | null;
  errors?: GqlError[];
  status: number;
  headers: Headers;
}

export interface CallOptions {
  token?: string;
  region?: string;
  headers?: Record<string, string>;
  /** Another API than the shared test stack's (the fault suite's own stack). */
  url?: string;
}

export async function gql<T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
  options: CallOptions = {},
): Promise<GqlResponse<T>> {
  const res = await fetch(`${options.url ?? apiUrl()}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.region ? { 'x-aws-region': options.region } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T | null; errors?: GqlError[] };
  return { ...body, status: res.status, headers: res.headers };
}

/** Runs an operation that must succeed, returning its data. */
export async function ok<T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
  options: CallOptions = {},
): Promise<T> {
  const res = await gql<T>(query, variables, options);
  if (res.errors?.length || !res.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  }
  return res.data;
}

/** Runs an operation that must fail, returning its first error's code and message. */
export async function fails(
  query: string,
  variables: Record<string, unknown> = {},
  options: CallOptions = {},
): Promise<{ code: string | undefined; message: string; field: string | undefined }> {
  const res = await gql(query, variables, options);
  const error = res.errors?.[0];
  if (!error) {
    throw new Error(`expected an error, got ${JSON.stringify(res.data)}`);
  }
  return { code: error.extensions?.code, message: error.message, field: error.extensions?.field };
}

export const OPERATOR = { token: config.operatorToken };

export interface TestTenant {
  id: string;
  name: string;
  admin: CallOptions;
}

export async function createTenant(prefix = 'e2e'): Promise<TestTenant> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  const data = await ok<{
    createTenant: { tenant: { id: string; name: string }; adminKey: string };
  }>(
    'mutation($name: String!) { createTenant(input: { name: $name }) { tenant { id name } adminKey } }',
    { name },
    OPERATOR,
  );
  return { id: data.createTenant.tenant.id, name, admin: { token: data.createTenant.adminKey } };
}

export async function createAccount(tenant: TestTenant, accountId?: string): Promise<string> {
  const data = await ok<{ createAccount: { accountId: string } }>(
    'mutation($id: String) { createAccount(input: { accountId: $id }) { accountId } }',
    { id: accountId ?? null },
    tenant.admin,
  );
  return data.createAccount.accountId;
}

export async function accountKey(tenant: TestTenant, accountId: string): Promise<CallOptions> {
  const data = await ok<{ createApiKey: { key: string } }>(
    'mutation($id: String) { createApiKey(input: { accountId: $id }) { key } }',
    { id: accountId },
    tenant.admin,
  );
  return { token: data.createApiKey.key };
}

export function trustPolicy(service: string, sourceAccount?: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        ...(sourceAccount
          ? { Condition: { StringEquals: { 'aws:SourceAccount': sourceAccount } } }
          : {}),
      },
    ],
  });
}

export async function createRole(
  tenant: TestTenant,
  accountId: string,
  roleName: string,
  policy = trustPolicy('proton.amazonaws.com'),
) {
  const data = await ok<{ createRole: { arn: string } }>(
    `mutation($input: CreateRoleInput!) { createRole(input: $input) { arn } }`,
    { input: { accountId, roleName, assumeRolePolicyDocument: policy } },
    tenant.admin,
  );
  return data.createRole.arn;
}

/** A graphql-ws client speaking to the API, authenticated through connection params. */
export function wsClient(options: CallOptions): Client {
  return createClient({
    url: `${(options.url ?? apiUrl()).replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.region ? { 'x-aws-region': options.region } : {}),
    },
    retryAttempts: 0,
  });
}

/**
 * Opens a graphql-ws connection and subscribes; resolves with how the server closed the socket
 * (code and reason) if it refused it, or null if it acknowledged the connection.
 */
export async function refusedConnection(
  options: CallOptions,
  query: string,
  connectionParams?: Record<string, unknown>,
): Promise<{ code: number; reason: string } | null> {
  const client = createClient({
    url: `${(options.url ?? apiUrl()).replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: connectionParams ?? {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    retryAttempts: 0,
    lazy: false,
  });
  try {
    return await new Promise((resolve) => {
      client.on('connected', () => resolve(null));
      client.on('closed', (event) => {
        const { code, reason } = event as { code: number; reason: string };
        resolve({ code, reason });
      });
      client.subscribe(
        { query },
        { next: () => undefined, error: () => undefined, complete: () => undefined },
      );
    });
  } finally {
    await client.dispose();
  }
}

export interface Subscription<T> {
  /** Resolves when `count` events have arrived (or rejects after the timeout). */
  take(count: number, timeoutMs?: number): Promise<T[]>;
  received: T[];
  errors: GqlError[];
  close(): Promise<void>;
}

export async function subscribe<T>(
  options: CallOptions,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Subscription<T>> {
  const client = wsClient(options);
  const received: T[] = [];
  const errors: GqlError[] = [];
  let acknowledged: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (acknowledged = resolve));
  client.on('connected', () => acknowledged());
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) {
          errors.push(...(value.errors as GqlError[]));
        }
        if (value.data) {
          received.push(value.data as T);
        }
      },
      error: (error) =>
        errors.push({ message: String((error as Error)?.message ?? JSON.stringify(error)) }),
      complete: () => undefined,
    },
  );
  await ready;
  // Give the server a moment to register the subscription before events are produced.
  await new Promise((r) => setTimeout(r, 150));
  return {
    received,
    errors,
    async take(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count && errors.length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25));
      }
      if (received.length < count) {
        throw new Error(
          `received ${received.length}/${count} events; errors: ${JSON.stringify(errors)}`,
        );
      }
      return received.slice(0, count);
    },
    async close() {
      dispose();
      await client.dispose();
    },
  };
}
