import type { NextFunction, Request, Response } from 'express';
import type { CorsPolicy } from './cors-policy';
import { tenantPathOf } from './tenant-path';

/** What a browser app may send: GraphQL (authorization, x-aws-region) and SigV4 (x-amz-*). */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-aws-region',
  'x-amz-date',
  'x-amz-target',
  'x-amz-content-sha256',
  'x-amz-security-token',
  'x-amz-user-agent',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
] as const;
export const CORS_ALLOWED_METHODS = ['GET', 'POST', 'OPTIONS'] as const;
/** What a browser app may read of an answer besides the simple headers. */
export const CORS_EXPOSED_HEADERS = [
  'x-request-id',
  'x-amzn-requestid',
  'x-amzn-errortype',
  'retry-after',
] as const;
const MAX_AGE_SECONDS = 600;

/**
 * The CORS headers of an answer to `origin` (none for a request without one, or from an origin
 * not allowed). A preflight (OPTIONS with Access-Control-Request-Method) gets the methods and
 * headers the API reads, and only those.
 */
export function corsHeaders(
  allowed: ReadonlySet<string>,
  origin: string | undefined,
  preflight: boolean,
): Record<string, string> {
  if (!origin || !allowed.has(origin)) {
    return {};
  }
  const headers: Record<string, string> = { 'access-control-allow-origin': origin };
  if (preflight) {
    headers['access-control-allow-methods'] = CORS_ALLOWED_METHODS.join(', ');
    headers['access-control-allow-headers'] = CORS_ALLOWED_HEADERS.join(', ');
    headers['access-control-max-age'] = String(MAX_AGE_SECONDS);
  } else {
    headers['access-control-expose-headers'] = CORS_EXPOSED_HEADERS.join(', ');
  }
  return headers;
}

/**
 * Whether a WebSocket upgrade may proceed: no Origin (not a browser), an allowed one, or the
 * API's own (a page it serves, such as the portal: its Origin names the host it connects to).
 */
export function upgradeOriginAllowed(
  allowed: ReadonlySet<string>,
  origin: string | undefined,
  host?: string,
): boolean {
  if (!origin || allowed.has(origin)) {
    return true;
  }
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

/**
 * CORS: an allowed origin echoed (with Vary: Origin, so caches keep answers apart); a preflight
 * from an allowed origin answered 204 here; any other origin gets no CORS header, so the browser
 * does not let its page read the answer. Which origins are allowed depends on the path
 * (CorsPolicy: CORS_ORIGINS, and a tenant's own on its path); if they cannot be read, none are.
 */
export function corsMiddleware(policy: CorsPolicy) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.headers.origin;
    if (!origin) {
      next();
      return;
    }
    res.setHeader('vary', 'Origin');
    const preflight =
      req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    policy
      .originsFor(tenantPathOf(req))
      .catch(() => NONE)
      .then((allowed) => {
        const headers = corsHeaders(allowed, origin, preflight);
        for (const [name, value] of Object.entries(headers)) {
          res.setHeader(name, value);
        }
        if (preflight && headers['access-control-allow-origin']) {
          res.status(204).end();
          return;
        }
        next();
      })
      .catch(next);
  };
}

const NONE: ReadonlySet<string> = new Set();
