import { AppError, ErrorCode } from '@accountlink/common';
import {
  AccountConnectionStatus,
  canSeeConnection,
  checkRequest,
  connectionArn,
  isVerifiable,
  newConnectionToken,
  parseConnectionArn,
  requireConnectionManager,
} from './connection-rules';

const code = (fn: () => void): ErrorCode | null => {
  try {
    fn();
    return null;
  } catch (error) {
    return (error as AppError).code;
  }
};

describe('account connection rules', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  const pending = {
    status: 'PENDING_VERIFICATION' as const,
    accountId: '111111111111',
    expiresAt: new Date('2026-11-22T12:00:00Z'),
  };

  it('mints tokens with 256 bits of randomness', () => {
    const tokens = new Set(Array.from({ length: 50 }, newConnectionToken));
    expect(tokens.size).toBe(50);
    for (const token of tokens) {
      expect(token).toMatch(/^cct_[A-Za-z0-9_-]{43}$/);
    }
  });

  it('lets only the connected account verify a pending, unexpired request', () => {
    expect(isVerifiable(pending, '111111111111', now)).toBe(true);
    expect(isVerifiable(pending, '222222222222', now)).toBe(false);
    expect(isVerifiable({ ...pending, expiresAt: now }, '111111111111', now)).toBe(false);
    for (const status of ['VERIFIED', 'REJECTED', 'EXPIRED'] as const) {
      expect(isVerifiable({ ...pending, status }, '111111111111', now)).toBe(false);
    }
  });

  it('lets administrators and power users request, not limited access, and hides the space from others', () => {
    expect(code(() => requireConnectionManager('SPACE_ADMINISTRATOR', 's'))).toBeNull();
    expect(code(() => requireConnectionManager('POWER_USER', 's'))).toBeNull();
    expect(code(() => requireConnectionManager('LIMITED_ACCESS', 's'))).toBe(ErrorCode.FORBIDDEN);
    expect(code(() => requireConnectionManager(null, 's'))).toBe(ErrorCode.NOT_FOUND);
  });

  it('validates requests', () => {
    expect(code(() => checkRequest({ accountId: '111111111111', displayName: 'Prod' }))).toBeNull();
    expect(code(() => checkRequest({ accountId: '1111', displayName: 'Prod' }))).toBe(
      ErrorCode.BAD_USER_INPUT,
    );
    expect(code(() => checkRequest({ accountId: '111111111111', displayName: ' ' }))).toBe(
      ErrorCode.BAD_USER_INPUT,
    );
    expect(
      code(() =>
        checkRequest({ accountId: '111111111111', displayName: 'x', description: 'd'.repeat(501) }),
      ),
    ).toBe(ErrorCode.BAD_USER_INPUT);
  });

  it('builds the connection ARN in the account', () => {
    expect(connectionArn('us-west-2', '111111111111', 'c1')).toBe(
      'arn:aws:codecatalyst:us-west-2:111111111111:/connections/c1',
    );
  });

  it('parses connection ARNs back, and nothing else', () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(parseConnectionArn(connectionArn('eu-west-1', '111111111111', id))).toEqual({
      region: 'eu-west-1',
      accountId: '111111111111',
      connectionId: id,
    });
    for (const arn of [
      `arn:aws:codecatalyst:::space/${id}`,
      `arn:aws:proton:eu-west-1:111111111111:environment-account-connection/${id}`,
      `arn:aws:codecatalyst:eu-west-1:11111111111:/connections/${id}`,
      `arn:aws:codecatalyst:eu-west-1:111111111111:/connections/${id}x`,
      `arn:aws:codecatalyst:eu-west-1:111111111111:/connections/not-a-uuid`,
    ]) {
      expect(parseConnectionArn(arn)).toBeNull();
    }
  });
});

describe('who sees a connection', () => {
  const tenant = { tenantId: 't', tenantName: 'acme', keyId: 'k' };
  const account = { kind: 'ACCOUNT' as const, ...tenant, accountId: '111111111111' };
  const other = { ...account, accountId: '222222222222' };

  it.each<[AccountConnectionStatus, boolean]>([
    ['PENDING_VERIFICATION', false],
    ['EXPIRED', false],
    ['VERIFIED', true],
    ['REJECTED', true],
  ])('its account sees a %s connection: %p (only once it has used the token)', (status, seen) => {
    const connection = { accountId: '111111111111', status };
    expect(canSeeConnection(account, connection, null)).toBe(seen);
    expect(canSeeConnection(other, connection, null)).toBe(false);
    expect(canSeeConnection({ kind: 'TENANT_ADMIN', ...tenant }, connection, null)).toBe(true);
  });
});
