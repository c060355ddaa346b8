import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { GraphqlCaller } from './graphql';

/** A graphql-ws client authenticated through its connection params, as the API takes them. */
export function subscriptionClient(baseUrl: string, caller: GraphqlCaller): Client {
  return createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: {
      authorization: `Bearer ${caller.key}`,
      ...(caller.region ? { 'x-aws-region': caller.region } : {}),
    },
    retryAttempts: 0,
    lazy: false,
  });
}

/**
 * Subscribes and resolves once the server has acknowledged the connection (so nothing committed
 * afterwards can be missed); `next` receives each result's data.
 */
export async function subscribe<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  next: (data: T) => void,
  error: (code: string) => void,
): Promise<() => void> {
  const connected = new Promise<void>((resolve, reject) => {
    const off = client.on('connected', () => {
      off();
      resolve();
    });
    const offClosed = client.on('closed', (event) => {
      offClosed();
      reject(new Error(`subscription socket closed: ${(event as { code?: number }).code ?? ''}`));
    });
  });
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors?.length) {
          const code = result.errors[0].extensions?.code;
          error(typeof code === 'string' ? code : 'UNKNOWN');
        } else if (result.data) {
          next(result.data as T);
        }
      },
      error: () => error('SUBSCRIPTION_CLOSED'),
      complete: () => undefined,
    },
  );
  await connected;
  return unsubscribe;
}
