import { AppError, Principal } from '@accountlink/common';

/** The most origins one tenant may allow, and the longest origin. */
export const MAX_TENANT_CORS_ORIGINS = 20;
const MAX_ORIGIN_LENGTH = 200;

/**
 * The origins a tenant allows (its `corsOrigins` setting), in the form browsers send in `Origin`:
 * scheme, host and port only (`https://portal.example.com`, `http://localhost:5173`), the host in
 * lower case and a default port left out. A trailing slash is forgiven; a path, query, fragment,
 * user name, wildcard or `null` is refused naming the entry. Duplicates are kept once.
 */
export function normalizeCorsOrigins(values: readonly string[]): string[] {
  if (values.length > MAX_TENANT_CORS_ORIGINS) {
    throw AppError.badInput(
      'corsOrigins',
      `corsOrigins holds at most ${MAX_TENANT_CORS_ORIGINS} origins (got ${values.length})`,
    );
  }
  const origins = new Set<string>();
  values.forEach((value, index) => {
    const origin = originOf(value);
    if (origin === null) {
      throw AppError.badInput(
        `corsOrigins.${index}`,
        `corsOrigins.${index} must be an origin such as https://portal.example.com (scheme, host and optional port; no path, wildcard or null): ${JSON.stringify(value.slice(0, MAX_ORIGIN_LENGTH))}`,
      );
    }
    origins.add(origin);
  });
  return [...origins];
}

function originOf(value: string): string | null {
  const text = value.trim().replace(/\/$/, '');
  if (
    text.length === 0 ||
    text.length > MAX_ORIGIN_LENGTH ||
    !/^https?:\/\/[^/?#@\s*]+$/i.test(text)
  ) {
    return null;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  return url.hostname && url.origin !== 'null' ? url.origin : null;
}

/**
 * The message of a request on a tenant's path (`/tenants/{id}/…`, where that tenant's allowed
 * origins apply) whose credential is not that tenant's. It is the same whether the named tenant
 * exists or not, so it tells nothing about other tenants.
 */
export const OUTSIDE_TENANT_PATH =
  "The credential is not valid on this path: /tenants/{id}/ takes only that tenant's keys";

/**
 * Whether a request's principal may act on the tenant path it came by (none: any principal). The
 * operator, who belongs to no tenant, has no tenant path.
 */
export function inTenantPath(tenantPath: string | undefined, tenantId: string | null): boolean {
  return tenantPath === undefined || (tenantId !== null && tenantPath === tenantId);
}

/** UNAUTHENTICATED unless the credential's tenant may act on the tenant path (inTenantPath). */
export function assertInTenantPath(tenantPath: string | undefined, tenantId: string | null): void {
  if (!inTenantPath(tenantPath, tenantId)) {
    throw AppError.unauthenticated(OUTSIDE_TENANT_PATH);
  }
}

/** The principal itself, once assertInTenantPath has let it through. */
export function principalInTenantPath(
  tenantPath: string | undefined,
  principal: Principal,
): Principal {
  assertInTenantPath(tenantPath, principal.kind === 'OPERATOR' ? null : principal.tenantId);
  return principal;
}
