import { AppError, Principal, TenantPrincipal } from '@accountlink/common';

/** Authorization rules shared by every resolver. Each returns the narrowed principal. */
export function requireOperator(principal: Principal): void {
  if (principal.kind !== 'OPERATOR') {
    throw AppError.forbidden('Only the operator may do this');
  }
}

export function requireTenantAdmin(
  principal: Principal,
): Extract<Principal, { kind: 'TENANT_ADMIN' }> {
  if (principal.kind !== 'TENANT_ADMIN') {
    throw AppError.forbidden('Only a tenant administrator may do this');
  }
  return principal;
}

export function requireTenantPrincipal(principal: Principal): TenantPrincipal {
  if (principal.kind === 'OPERATOR') {
    throw AppError.forbidden('The operator only manages tenants; use a tenant or account key');
  }
  return principal;
}

export function requireUserPrincipal(principal: Principal): Extract<Principal, { kind: 'USER' }> {
  if (principal.kind !== 'USER') {
    throw AppError.forbidden('This operation is made as a user: use a user API key');
  }
  return principal;
}

export function requireAccountPrincipal(
  principal: Principal,
): Extract<Principal, { kind: 'ACCOUNT' }> {
  if (principal.kind !== 'ACCOUNT') {
    throw AppError.forbidden('This operation is made as an account: use an account API key');
  }
  return principal;
}

/**
 * Identity data (accounts, their roles with trust policies, their access key ids): tenant
 * administrators read every account's, an account's own keys read that account's, and nobody else
 * reads any. User keys act in CodeCatalyst spaces, not for accounts, whatever their space role.
 */
export function requireAccountReader(principal: Principal, accountId: string): TenantPrincipal {
  const tenant = requireIdentityReader(principal);
  if (tenant.kind === 'ACCOUNT' && tenant.accountId !== accountId) {
    throw AppError.forbidden(`This key acts for account ${tenant.accountId} only`);
  }
  return tenant;
}

/** A tenant administrator or an account principal (which then reads only its own account). */
export function requireIdentityReader(
  principal: Principal,
): Extract<Principal, { kind: 'TENANT_ADMIN' | 'ACCOUNT' }> {
  const tenant = requireTenantPrincipal(principal);
  if (tenant.kind === 'USER') {
    throw AppError.forbidden(
      'A user key does not read accounts, roles or access keys: use a tenant administrator or account key',
    );
  }
  return tenant;
}
