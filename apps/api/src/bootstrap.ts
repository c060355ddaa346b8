import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '@accountlink/config';
import { CacheInvalidations, TenantSettingsService } from '@accountlink/tenancy';
import { createLogger, Metrics, PinoNestLogger } from '@accountlink/observability';
import pinoHttp from 'pino-http';
import { AppModule } from './app.module';
import { S3Edge } from './aws/s3-edge';
import { limitSubscriptionMessages } from './graphql/subscription-payload';
import { bodyTooLarge } from './http/body-too-large';
import { corsMiddleware } from './http/cors';
import { CorsPolicy } from './http/cors-policy';
import { graphqlExplorer } from './http/graphql-explorer';
import { graphqlDocumentLimit } from './http/graphql-document-limit';
import { httpMetricsMiddleware } from './http/http-metrics';
import { portal } from './http/portal';
import { requestIdMiddleware } from './http/request-id';
import { tenantPathMiddleware } from './http/tenant-path';

/** The largest request bodies read, in bytes: a GraphQL request, an AWS JSON request. */
const GRAPHQL_BODY_LIMIT = 1_048_576;
const AWS_BODY_LIMIT = 2_097_152;

/**
 * Builds the API exactly as production runs it; `main.ts` and the end-to-end tests both use it,
 * so the tests exercise the same middleware, logging and shutdown path.
 */
export async function createApiApp(config: AppConfig): Promise<INestApplication> {
  const logger = createLogger(config.logLevel, 'accountlink-api');
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
  });
  app.disable('x-powered-by');
  // API answers are never served from HTTP caches: no ETag (a hash of every response body).
  app.set('etag', false);
  // /tenants/{id}/… serves every route on the tenant's path, where its own origins apply too.
  app.use(tenantPathMiddleware);
  app.use(requestIdMiddleware);
  const corsPolicy = new CorsPolicy(
    config.corsOrigins,
    app.get(TenantSettingsService, { strict: false }),
    app.get(CacheInvalidations, { strict: false }),
  );
  app.use(corsMiddleware(corsPolicy));
  if (config.graphqlExplorer) {
    app.use('/graphql', graphqlExplorer());
  }
  app.use('/portal', portal());
  // One line per request at info. Above info the middleware is not mounted at all: it costs a
  // child logger per request even when it writes nothing (a seventh of a trivial request's CPU);
  // unexpected errors are still logged, with the request id, by the error mappers.
  if (logger.isLevelEnabled('info')) {
    app.use(
      pinoHttp({
        logger,
        genReqId: (req) => (req as { id?: string }).id ?? 'unknown',
        autoLogging: {
          ignore: (req) => req.url === '/metrics' || (req.url ?? '').startsWith('/health'),
        },
        customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      }),
    );
  }
  app.use(httpMetricsMiddleware(app.get(Metrics)));
  // S3 (requests signed for the service s3) before the body parsers: it reads its own bodies.
  app.use(app.get(S3Edge).middleware());
  app.useBodyParser('json', { limit: GRAPHQL_BODY_LIMIT });
  app.use('/graphql', graphqlDocumentLimit(config.graphqlMaxDocumentBytes));
  // The AWS JSON protocol: SigV4 signs the exact bytes, so the body stays raw.
  app.useBodyParser('raw', {
    type: ['application/x-amz-json-1.0', 'application/x-amz-json-1.1'],
    limit: AWS_BODY_LIMIT,
  });
  app.use(bodyTooLarge(GRAPHQL_BODY_LIMIT, AWS_BODY_LIMIT));
  app.enableShutdownHooks();
  // The GraphQL module starts its subscription server here; its message size is bounded now.
  await app.init();
  limitSubscriptionMessages(app, config.graphqlWsMaxPayloadBytes, corsPolicy);
  return app;
}
