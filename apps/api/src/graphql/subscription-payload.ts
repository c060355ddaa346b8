import { INestApplication } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { WebSocketServer } from 'ws';

/**
 * Bounds every WebSocket message the subscription server reads (ws's default is 100 MiB, which a
 * client could send before it authenticates). @nestjs/graphql creates that WebSocketServer
 * without options, so the limit is set on it once the GraphQL module has started; if a new
 * version of the module keeps the server elsewhere, the API refuses to start rather than run
 * without the limit (and the end-to-end test of the limit fails).
 */
export function limitSubscriptionMessages(app: INestApplication, maxPayload: number): void {
  const adapter = app.get(GraphQLModule, { strict: false }).graphQlAdapter as unknown as {
    _subscriptionService?: { wss?: WebSocketServer };
  };
  const wss = adapter._subscriptionService?.wss;
  if (!wss?.options) {
    throw new Error(
      'the GraphQL subscription server was not found: its message size limit cannot be set',
    );
  }
  wss.options.maxPayload = maxPayload;
}
