/**
 * The one error type of the domain. Services throw it; each edge (GraphQL, AWS JSON protocol)
 * maps its code to the caller's protocol, so services never know which edge called them.
 */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  QUOTA_EXCEEDED = 'QUOTA_EXCEEDED',
  THROTTLED = 'THROTTLED',
  /** A GraphQL operation over one of its limits (size, tokens, depth, aliases, cost), refused before it ran. */
  QUERY_LIMIT_EXCEEDED = 'QUERY_LIMIT_EXCEEDED',
  /** A dependency (Postgres, Redis) is unreachable for now: the same request may be retried. */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The input field at fault, for BAD_USER_INPUT. */
    readonly field?: string,
    /** Figures the caller can act on (a limit's name, its value, what the request had). */
    readonly details?: Readonly<Record<string, string | number>>,
  ) {
    super(message);
    this.name = 'AppError';
    // A domain error is an answer to the caller, never logged with a trace: formatting V8's
    // stack (which GraphQLError reads) would cost more than the whole refusal.
    this.stack = `AppError: ${message}`;
  }

  static badInput(field: string, message: string): AppError {
    return new AppError(ErrorCode.BAD_USER_INPUT, message, field);
  }
  static notFound(message: string): AppError {
    return new AppError(ErrorCode.NOT_FOUND, message);
  }
  static conflict(message: string): AppError {
    return new AppError(ErrorCode.CONFLICT, message);
  }
  static forbidden(message: string): AppError {
    return new AppError(ErrorCode.FORBIDDEN, message);
  }
  static queryLimit(limit: string, max: number, actual: number, message: string): AppError {
    return new AppError(ErrorCode.QUERY_LIMIT_EXCEEDED, message, undefined, { limit, max, actual });
  }
  static unavailable(
    message = 'The service is briefly unable to reach its data store; retry the request',
  ): AppError {
    return new AppError(ErrorCode.SERVICE_UNAVAILABLE, message);
  }
  static unauthenticated(
    message = 'A valid API key is required: send Authorization: Bearer <key>',
  ): AppError {
    return new AppError(ErrorCode.UNAUTHENTICATED, message);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unreachable: ${String(value)}`);
}
