import { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { AppError } from '@accountlink/common';
import { ApolloDriverConfig } from '@nestjs/apollo';
import { AppConfig } from '@accountlink/config';
import {
  AuthService,
  CacheInvalidations,
  GRAPHQL_LIMIT_DEFAULTS,
  principalInTenantPath,
  RequestContext,
  TenantSettingsService,
} from '@accountlink/tenancy';
import { Metrics } from '@accountlink/observability';
import type { Request } from 'express';
import { GraphQLError } from 'graphql';
import { formatError, subscriptionErrorsFormatted } from './format-error';
import { injectGraphqlFaults } from './injected-faults';
import {
  exceededLimit,
  limitsOf,
  measureQuery,
  QueryLimits,
  variablesRefused,
} from './query-limits';
import { SubscriptionGate } from './subscription-gate';
import { RequestShares } from '../http/request-shares';
import { tenantPathOf } from '../http/tenant-path';
import { sharedSubscribe } from './subscription-fanout';

type Headers = Record<string, string | string[] | undefined>;

interface ContextArgs {
  req?: Request & { id?: string };
  /** graphql-ws passes the connection's init payload here. */
  connectionParams?: Record<string, unknown>;
}

/** Subscriptions carry their headers in graphql-ws's connection_init payload, in any case. */
function headersFromParams(params: Record<string, unknown> | undefined): Headers {
  const headers: Headers = {};
  for (const [key, value] of Object.entries(params ?? {})) {
    if (typeof value === 'string') {
      headers[key.toLowerCase()] = value;
    }
  }
  return headers;
}

function metricsPlugin(metrics: Metrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, errors }) {
          const first = errors?.[0];
          const original = first ? unwrapResolverError(first) : undefined;
          const code = original instanceof AppError ? original.code : first?.extensions?.code;
          const outcome = !first ? 'ok' : typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
          metrics.graphqlOperations.inc({ type: operation?.operation ?? 'unknown', outcome });
        },
      };
    },
  };
}

/**
 * The per-operation limits (depth, aliases, cost), decided after validation and before
 * execution: the tenant's settings, or the defaults for a request without a tenant's key.
 */
function queryLimitsPlugin(
  settings: TenantSettingsService,
  defaults: QueryLimits,
  shares: RequestShares,
  metrics: Metrics,
): ApolloServerPlugin {
  return {
    async requestDidStart() {
      let release: (() => void) | null = null;
      return {
        // The tenant's turn ends with its response (RequestShares).
        async willSendResponse() {
          release?.();
        },
        async didResolveOperation({
          schema,
          document,
          operation,
          operationName,
          request,
          contextValue,
        }) {
          const { ctx } = contextValue as { ctx: RequestContext };
          // Without a valid key the resolvers refuse the request; its document still has limits.
          const principal = await ctx.principal().catch(() => null);
          const tenantId = principal && principal.kind !== 'OPERATOR' ? principal.tenantId : null;
          const tenantSettings = tenantId ? await settings.get(tenantId) : null;
          const limits = tenantSettings ? limitsOf(tenantSettings) : defaults;
          const figures = measureQuery(
            schema,
            document,
            operationName ?? undefined,
            request.variables,
          );
          // Variables that do not coerce: execution refuses them (BAD_USER_INPUT) before any
          // resolver runs.
          if (variablesRefused(figures)) {
            return;
          }
          const refusal = exceededLimit(figures, limits);
          if (refusal) {
            throw refusal;
          }
          if (tenantSettings && operation) {
            await injectGraphqlFaults(tenantSettings.faultInjection, operation, metrics);
          }
          if (tenantId) {
            release = await shares.acquire(tenantId);
          }
        },
      };
    },
  };
}

/**
 * graphql-ws's options as @nestjs/graphql spreads them into useServer. Its type leaves the
 * socket's `extra` unknown; with graphql-ws/use/ws (what it uses) it is `{ socket, request }`.
 */
type GraphQLWsOptions = NonNullable<ApolloDriverConfig['subscriptions']>['graphql-ws'];

function formatSubscriptionResult(
  _ctx: unknown,
  _id: string,
  _payload: unknown,
  _args: unknown,
  result: { data?: unknown; errors?: readonly GraphQLError[] },
): unknown {
  return subscriptionErrorsFormatted(result);
}

export function graphqlOptions(
  auth: AuthService,
  metrics: Metrics,
  settings: TenantSettingsService,
  config: AppConfig,
  invalidations: CacheInvalidations,
  shares: RequestShares,
): ApolloDriverConfig {
  const defaults: QueryLimits = { ...GRAPHQL_LIMIT_DEFAULTS };
  // On a tenant's path (/tenants/{id}/graphql) only that tenant's keys are taken; a socket's key
  // is held to its path by the gate, on connection_init.
  const contextOf = (
    headers: Headers,
    requestId: string,
    tenantPath?: string,
  ): { ctx: RequestContext } => {
    const authorization = headers.authorization;
    const ctx = new RequestContext(
      async () =>
        principalInTenantPath(
          tenantPath,
          await auth.authenticate(Array.isArray(authorization) ? authorization[0] : authorization),
        ),
      headers['x-aws-region'],
      requestId,
    );
    return { ctx };
  };
  const gate = new SubscriptionGate(auth, settings, invalidations, config, defaults, (params) =>
    contextOf(headersFromParams(params), 'ws'),
  );
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    introspection: config.graphqlIntrospection,
    playground: false,
    includeStacktraceInErrorResponses: false,
    formatError,
    // No HTTP cache hints are served: the cache-control plugin would only wrap every field.
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      metricsPlugin(metrics),
      queryLimitsPlugin(settings, defaults, shares, metrics),
    ],
    // graphql-js stops parsing at this many tokens (a document's size is bounded before it).
    parseOptions: { maxTokens: config.graphqlMaxTokens },
    // The subscription gate parses, validates and limits documents against this schema.
    transformSchema: (schema) => gate.useSchema(schema),
    subscriptions: {
      // Spread into graphql-ws's useServer: errors of subscription operations get the same
      // mapping as queries and mutations (codes, no internals). The gate checks the key on
      // connection_init and each document's limits; the fan-out of one event to many subscribers
      // shares parse, validation and execution.
      'graphql-ws': {
        path: '/graphql',
        onNext: formatSubscriptionResult,
        onConnect: gate.onConnect,
        onSubscribe: gate.onSubscribe,
        onClose: gate.onClose,
        subscribe: sharedSubscribe,
      } as unknown as GraphQLWsOptions,
    },
    context: ({ req, connectionParams }: ContextArgs) =>
      req
        ? contextOf(req.headers, req.id ?? 'unknown', tenantPathOf(req))
        : contextOf(headersFromParams(connectionParams), 'ws'),
  };
}
