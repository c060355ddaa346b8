import { INestApplication } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { WebSocketServer } from 'ws';
import { upgradeOriginAllowed } from '../http/cors';

/**
 * Checks the Origin of every WebSocket upgrade against CORS_ORIGINS, and bounds every message the
 * subscription server reads (ws's default is 100 MiB, which a client could send before it
 * authenticates). @nestjs/graphql creates that WebSocketServer without options, so the limit is
 * set on it once the GraphQL module has started; if a new version of the module keeps the server
 * elsewhere, the API refuses to start rather than run without the limit (and the end-to-end test
 * of the limit fails).
 */
export function limitSubscriptionMessages(
  app: INestApplication,
  maxPayload: number,
  corsOrigins: ReadonlySet<string>,
): void {
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
  // A browser page of another origin cannot open a subscription socket (403 at the upgrade);
  // clients that send no Origin (not browsers) and the API's own pages are not concerned.
  wss.options.verifyClient = (info, done) =>
    upgradeOriginAllowed(corsOrigins, info.origin || undefined, info.req.headers.host)
      ? done(true)
      : done(false, 403, 'Origin not allowed');
}
