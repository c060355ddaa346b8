import {
  newAccessKeyId,
  newApiKey,
  newSecretAccessKey,
  randomAccountId,
  validateAccountAlias,
  validateAccountId,
  validateTenantName,
} from './identity-rules';

describe('identity rules', () => {
  it('accepts 12-digit account ids only', () => {
    expect(validateAccountId('111111111111')).toBeNull();
    for (const bad of ['11111111111', '1111111111111', '11111111111a', ' 111111111111', '']) {
      expect(validateAccountId(bad)).toMatch(/12 digits/);
    }
  });

  it('generates valid random account ids', () => {
    for (let i = 0; i < 200; i++) {
      expect(validateAccountId(randomAccountId())).toBeNull();
    }
  });

  it('validates tenant names', () => {
    expect(validateTenantName('demo')).toBeNull();
    expect(validateTenantName('Acme Corp-2.eu_1')).toBeNull();
    expect(validateTenantName('')).not.toBeNull();
    expect(validateTenantName(' demo')).not.toBeNull();
    expect(validateTenantName('a'.repeat(101))).not.toBeNull();
    expect(validateTenantName('drop;table')).not.toBeNull();
  });

  it('validates account aliases like IAM', () => {
    expect(validateAccountAlias('my-team')).toBeNull();
    expect(validateAccountAlias('ab')).not.toBeNull();
    expect(validateAccountAlias('-abc')).not.toBeNull();
    expect(validateAccountAlias('Abc')).not.toBeNull();
    expect(validateAccountAlias('a--b')).not.toBeNull();
  });

  it('mints keys in AWS shapes and with enough entropy', () => {
    expect(newAccessKeyId()).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(newSecretAccessKey()).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(newApiKey()).toMatch(/^alk_[A-Za-z0-9_-]{43}$/);
    expect(new Set(Array.from({ length: 100 }, newApiKey)).size).toBe(100);
  });
});
