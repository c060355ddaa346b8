/** Who is calling. Every authorization decision starts from one of these. */
export type Principal =
  | { kind: 'OPERATOR' }
  | { kind: 'TENANT_ADMIN'; tenantId: string; tenantName: string; keyId: string }
  | { kind: 'ACCOUNT'; tenantId: string; tenantName: string; accountId: string; keyId: string }
  | { kind: 'USER'; tenantId: string; tenantName: string; userId: string; keyId: string };

export type TenantPrincipal = Exclude<Principal, { kind: 'OPERATOR' }>;

export function isTenantPrincipal(principal: Principal): principal is TenantPrincipal {
  return principal.kind !== 'OPERATOR';
}
