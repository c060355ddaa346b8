import { unwrapResolverError } from '@apollo/server/errors';
import { Logger } from '@nestjs/common';
import { AppError, ErrorCode, isDependencyFailure } from '@accountlink/common';
import { GraphQLError, GraphQLFormattedError } from 'graphql';

const logger = new Logger('GraphQL');

/** During an outage every request fails alike: one line per 10 s says so. */
let lastUnavailableLog = 0;
function logUnavailable(error: Error): void {
  const now = Date.now();
  if (now - lastUnavailableLog >= 10_000) {
    lastUnavailableLog = now;
    logger.warn(`dependency unavailable (answered SERVICE_UNAVAILABLE): ${error.message}`);
  }
}

/** Apollo's own request-level codes, all of which are the caller's fault. */
const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * The one mapper from errors to GraphQL errors: domain errors keep their code and message, the
 * caller's GraphQL mistakes become BAD_USER_INPUT, a dependency that could not be reached is
 * SERVICE_UNAVAILABLE (retryable), and anything else is logged and answered as
 * INTERNAL_SERVER_ERROR with no stack, SQL or other detail.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const unwrapped = unwrapResolverError(error);
  // What a plugin threw (the query limits' refusal, or a dependency failing while they read the
  // tenant's settings) reaches here wrapped without a path.
  const original =
    unwrapped instanceof GraphQLError && unwrapped.originalError
      ? unwrapped.originalError
      : unwrapped;
  const base = { locations: formatted.locations, path: formatted.path };
  if (original instanceof AppError) {
    return {
      ...base,
      message: original.message,
      extensions: {
        code: original.code,
        ...(original.field ? { field: original.field } : {}),
        ...original.details,
      },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) {
    return {
      ...base,
      message: formatted.message,
      extensions: { code: ErrorCode.BAD_USER_INPUT, reason: code },
    };
  }
  if (isDependencyFailure(original)) {
    const unavailable = AppError.unavailable();
    logUnavailable(original as Error);
    return { ...base, message: unavailable.message, extensions: { code: unavailable.code } };
  }
  logger.error(
    `unexpected error: ${original instanceof Error ? (original.stack ?? original.message) : String(original)}`,
  );
  return {
    ...base,
    message: 'Internal server error',
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/**
 * A subscription's result with its errors mapped as queries' are (formatError), or undefined when
 * it has none (graphql-ws's onNext; the fan-out's frames).
 */
export function subscriptionErrorsFormatted(result: {
  data?: unknown;
  errors?: readonly GraphQLError[];
}): unknown {
  if (!result.errors?.length) {
    return undefined;
  }
  return { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) };
}
