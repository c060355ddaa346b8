import { ApiKeyKind } from '@accountlink/db';
import { principalOf } from './auth.service';
import type { ApiKeyIdentityRow } from './repositories/credential.repository';

const TENANT = '0b3c1f4e-2d1a-4c55-9a8e-6f1d2c3b4a59';
const USER = '5f0e8d7c-6b5a-4948-8372-615049382716';
const ACCOUNT = '111111111111';

function row(kind: string, accountId: string | null, userId: string | null): ApiKeyIdentityRow {
  return {
    id: 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9',
    tenantId: TENANT,
    tenantName: 'acme',
    kind: kind as ApiKeyKind,
    accountId,
    userId,
  };
}

describe('principalOf (whom an API key acts for)', () => {
  const base = {
    tenantId: TENANT,
    tenantName: 'acme',
    keyId: 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9',
  };

  it('maps each well-formed kind to its principal', () => {
    expect(principalOf(row('USER', null, USER))).toEqual({ kind: 'USER', ...base, userId: USER });
    expect(principalOf(row('ACCOUNT', ACCOUNT, null))).toEqual({
      kind: 'ACCOUNT',
      ...base,
      accountId: ACCOUNT,
    });
    expect(principalOf(row('TENANT_ADMIN', null, null))).toEqual({ kind: 'TENANT_ADMIN', ...base });
  });

  // Before, every one of these became a tenant administrator.
  it.each([
    ['a user key without its user', row('USER', null, null)],
    ['a user key that also names an account', row('USER', ACCOUNT, USER)],
    ['an account key without its account', row('ACCOUNT', null, null)],
    ['an account key that also names a user', row('ACCOUNT', ACCOUNT, USER)],
    ['an administrator key that names an account', row('TENANT_ADMIN', ACCOUNT, null)],
    ['an administrator key that names a user', row('TENANT_ADMIN', null, USER)],
    ['a kind this code does not know', row('OPERATOR', null, null)],
  ])('refuses %s', (_name, identity) => {
    expect(principalOf(identity)).toBeNull();
  });
});
