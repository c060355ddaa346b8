import { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { AppError } from '@accountlink/common';
import { ApolloDriverConfig } from '@nestjs/apollo';
import { AuthService, RequestContext } from '@accountlink/tenancy';
import { Metrics } from '@accountlink/observability';
import type { Request } from 'express';
import { GraphQLError } from 'graphql';
import { formatError } from './format-error';
import { sharedParse, sharedSubscribe, sharedValidate } from './subscription-fanout';

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

type GraphQLWsOptions = {
  path: string;
  parse: typeof sharedParse;
  validate: typeof sharedValidate;
  subscribe: typeof sharedSubscribe;
};

function formatSubscriptionResult(
  _ctx: unknown,
  _id: string,
  _payload: unknown,
  _args: unknown,
  result: { data?: unknown; errors?: readonly GraphQLError[] },
): unknown {
  if (!result.errors?.length) {
    return undefined;
  }
  return { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) };
}

export function graphqlOptions(auth: AuthService, metrics: Metrics): ApolloDriverConfig {
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    introspection: true,
    playground: false,
    includeStacktraceInErrorResponses: false,
    formatError,
    // No HTTP cache hints are served: the cache-control plugin would only wrap every field.
    plugins: [ApolloServerPluginCacheControlDisabled(), metricsPlugin(metrics)],
    subscriptions: {
      // Spread into graphql-ws's useServer: errors of subscription operations get the same
      // mapping as queries and mutations (codes, no internals).
      // The fan-out of one event to many subscribers: shared parse, validation and execution.
      'graphql-ws': {
        path: '/graphql',
        onNext: formatSubscriptionResult,
        parse: sharedParse,
        validate: sharedValidate,
        subscribe: sharedSubscribe,
      } as GraphQLWsOptions,
    },
    context: ({ req, connectionParams }: ContextArgs) => {
      const headers: Headers = req ? req.headers : headersFromParams(connectionParams);
      const requestId = req?.id ?? 'ws';
      const authorization = headers.authorization;
      const ctx = new RequestContext(
        () => auth.authenticate(Array.isArray(authorization) ? authorization[0] : authorization),
        headers['x-aws-region'],
        requestId,
      );
      return { ctx };
    },
  };
}
