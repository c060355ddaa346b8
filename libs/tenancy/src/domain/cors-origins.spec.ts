import { AppError, ErrorCode, Principal } from '@accountlink/common';
import {
  assertInTenantPath,
  inTenantPath,
  MAX_TENANT_CORS_ORIGINS,
  normalizeCorsOrigins,
  OUTSIDE_TENANT_PATH,
  principalInTenantPath,
} from './cors-origins';

const TENANT = '0b9a3f0e-6a51-4c55-9d59-1f2a7f0c9a11';
const OTHER = '6f1d2c3b-4a59-4e68-8f7a-9b0c1d2e3f40';

function refusal(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    if (error instanceof AppError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('a tenant’s allowed origins', () => {
  it('keeps origins in the form browsers send them, once each', () => {
    expect(
      normalizeCorsOrigins([
        'https://portal.example.com',
        'HTTPS://Portal.Example.COM/',
        'http://localhost:5173',
        'https://portal.example.com:443',
        'http://127.0.0.1:8080',
        ' https://partner.example.org ',
      ]),
    ).toEqual([
      'https://portal.example.com',
      'http://localhost:5173',
      'http://127.0.0.1:8080',
      'https://partner.example.org',
    ]);
    expect(normalizeCorsOrigins([])).toEqual([]);
  });

  it.each([
    ['*'],
    ['null'],
    ['https://*.example.com'],
    ['portal.example.com'],
    ['ftp://portal.example.com'],
    ['https://portal.example.com/app'],
    ['https://portal.example.com?x=1'],
    ['https://portal.example.com#top'],
    ['https://user@portal.example.com'],
    ['https://'],
    [''],
    [`https://${'a'.repeat(200)}.example.com`],
  ])('refuses %j naming the entry', (value) => {
    const error = refusal(() => normalizeCorsOrigins(['https://ok.example.com', value]));
    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.field).toBe('corsOrigins.1');
    expect(error.message).toMatch(/^corsOrigins\.1 must be an origin such as https:\/\//);
  });

  it('holds at most a bounded number of origins', () => {
    const many = Array.from(
      { length: MAX_TENANT_CORS_ORIGINS + 1 },
      (_, i) => `https://p${i}.example.com`,
    );
    expect(normalizeCorsOrigins(many.slice(1))).toHaveLength(MAX_TENANT_CORS_ORIGINS);
    const error = refusal(() => normalizeCorsOrigins(many));
    expect(error.field).toBe('corsOrigins');
    expect(error.message).toBe(
      `corsOrigins holds at most ${MAX_TENANT_CORS_ORIGINS} origins (got 21)`,
    );
  });
});

describe('the tenant path', () => {
  const admin: Principal = { kind: 'TENANT_ADMIN', tenantId: TENANT, tenantName: 't', keyId: 'k' };

  it('takes any principal off a tenant path, and only its tenant’s on one', () => {
    expect(inTenantPath(undefined, null)).toBe(true);
    expect(inTenantPath(undefined, OTHER)).toBe(true);
    expect(inTenantPath(TENANT, TENANT)).toBe(true);
    expect(inTenantPath(TENANT, OTHER)).toBe(false);
    expect(inTenantPath(TENANT, null)).toBe(false);
    expect(principalInTenantPath(TENANT, admin)).toBe(admin);
    expect(principalInTenantPath(undefined, { kind: 'OPERATOR' })).toEqual({ kind: 'OPERATOR' });
  });

  it('refuses another tenant’s credential, and the operator, in words that name no tenant', () => {
    for (const action of [
      () => principalInTenantPath(OTHER, admin),
      () => principalInTenantPath(TENANT, { kind: 'OPERATOR' }),
      () => assertInTenantPath(OTHER, TENANT),
    ]) {
      const error = refusal(action);
      expect(error.code).toBe(ErrorCode.UNAUTHENTICATED);
      expect(error.message).toBe(OUTSIDE_TENANT_PATH);
      expect(error.message).not.toContain(TENANT);
      expect(error.message).not.toContain(OTHER);
    }
  });
});
