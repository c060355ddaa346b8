import { INestApplication } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { Server } from 'node:http';
import type { WebSocketServer } from 'ws';
import { upgradeOriginAllowed } from '../http/cors';
import type { CorsPolicy } from '../http/cors-policy';
import { stripTenantPath } from '../http/tenant-path';

/**
 * Serves subscriptions on tenant paths too (`/tenants/{id}/graphql`), checks the Origin of every
 * WebSocket upgrade against the origins allowed on its path (CorsPolicy), and bounds every message the
 * subscription server reads (ws's default is 100 MiB, which a client could send before it
 * authenticates). @nestjs/graphql creates that WebSocketServer without options, so the limit is
 * set on it once the GraphQL module has started; if a new version of the module keeps the server
 * elsewhere, the API refuses to start rather than run without the limit (and the end-to-end test
 * of the limit fails).
 */
export function limitSubscriptionMessages(
  app: INestApplication,
  maxPayload: number,
  corsPolicy: CorsPolicy,
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
  // The subscription server routes upgrades by req.url: a tenant path is rewritten to the rest
  // before it looks (this listener runs first).
  (app.getHttpServer() as Server).prependListener('upgrade', (req) => {
    stripTenantPath(req);
  });
  // A browser page of another origin cannot open a subscription socket (403 at the upgrade);
  // clients that send no Origin (not browsers) and the API's own pages are not concerned.
  wss.options.verifyClient = (info, done) => {
    const origin = info.origin || undefined;
    if (upgradeOriginAllowed(EMPTY, origin, info.req.headers.host)) {
      done(true);
      return;
    }
    void corsPolicy
      .originsFor(stripTenantPath(info.req))
      .then((allowed) => upgradeOriginAllowed(allowed, origin))
      .catch(() => false)
      .then((allowed) => (allowed ? done(true) : done(false, 403, 'Origin not allowed')));
  };
}

const EMPTY: ReadonlySet<string> = new Set();
