import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

/** `/tenants/{uuid}` and the rest of the path (empty or starting with `/`), query included. */
const TENANT_PATH =
  /^\/tenants\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\/[^]*|\?[^]*)?$/i;

const tenantPaths = new WeakMap<IncomingMessage, string>();

/**
 * Every route of the API is also served under `/tenants/{tenantId}/` (GraphQL at
 * `/tenants/{id}/graphql`, HTTP and graphql-ws; the AWS JSON and S3 endpoints at
 * `/tenants/{id}/`). There the tenant's own allowed origins apply besides CORS_ORIGINS: a
 * preflight carries no credential, so only its URL can say whose list to read. The request is
 * routed by the rest of its path; SigV4 still checks the path as sent (`originalUrl`). Only that
 * tenant's credentials are taken on it (`principalInTenantPath`).
 *
 * Returns the tenant id, and rewrites `req.url` to the rest, or leaves both alone.
 */
export function stripTenantPath(req: IncomingMessage): string | undefined {
  const known = tenantPaths.get(req);
  if (known !== undefined) {
    return known;
  }
  const match = TENANT_PATH.exec(req.url ?? '');
  if (!match) {
    return undefined;
  }
  const tenantId = (match[1] as string).toLowerCase();
  const rest = match[2] ?? '/';
  req.url = rest.startsWith('?') ? `/${rest}` : rest;
  tenantPaths.set(req, tenantId);
  return tenantId;
}

/** The tenant of the path a request came by (stripTenantPath), if any. */
export function tenantPathOf(req: IncomingMessage): string | undefined {
  return tenantPaths.get(req);
}

/** stripTenantPath for every HTTP request, before any route or CORS decision. */
export function tenantPathMiddleware(req: Request, _res: Response, next: NextFunction): void {
  stripTenantPath(req);
  next();
}
