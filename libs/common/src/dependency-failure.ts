/**
 * Whether an error means that a dependency (Postgres, Redis) could not be reached or refused to
 * serve for now, rather than that the request or the code is wrong. Such an error is answered as
 * retryable (SERVICE_UNAVAILABLE, HTTP 503 on the AWS edge), never as an internal error.
 *
 * Read from the error's shape alone (no driver import): SQLSTATE classes and codes of node-postgres
 * errors, Node's socket error codes, the pool's and ioredis's own failures.
 */
export function isDependencyFailure(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08')) {
      return true;
    }
  }
  if (error.name === 'MaxRetriesPerRequestError') {
    return true;
  }
  return MESSAGES.some((pattern) => pattern.test(error.message));
}

/** Node's errors of a connection that failed or broke. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is going away or full (class 08, connection exceptions, is matched
 * by its prefix): admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections,
 * and the standby's read-only refusal during a failover.
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '25006']);

const MESSAGES = [
  // pg-pool, when no connection frees up within connectionTimeoutMillis.
  /^timeout exceeded when trying to connect$/,
  // node-postgres, when the server closed the connection.
  /^Connection terminated( unexpectedly| due to connection timeout)?$/,
  /^Client has encountered a connection error and is not queryable$/,
  // ioredis without an offline queue, or when a command's connection went away.
  /^Stream isn't writeable and enableOfflineQueue options is false$/,
  /^Connection is closed\.$/,
  /^Command timed out$/,
];
