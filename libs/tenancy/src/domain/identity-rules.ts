import { randomBytes, randomInt } from 'node:crypto';

const TENANT_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}$/;
const ACCOUNT_ID = /^\d{12}$/;
const ALIAS = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function validateTenantName(name: string): string | null {
  return TENANT_NAME.test(name) && name.trim() === name
    ? null
    : 'name must be 1-100 characters: letters, digits, spaces, ".", "_" or "-", starting with a letter or digit, without surrounding spaces';
}

export function validateAccountId(accountId: string): string | null {
  return ACCOUNT_ID.test(accountId) ? null : 'accountId must be exactly 12 digits';
}

/** IAM account alias rules: 3-63 lower-case letters, digits and hyphens, not at the ends. */
export function validateAccountAlias(alias: string): string | null {
  return ALIAS.test(alias) && !alias.includes('--')
    ? null
    : 'alias must be 3-63 characters of lower-case letters, digits and single hyphens, starting and ending with a letter or digit';
}

/** A random 12-digit account id; the first digit is never 0 so ids read like AWS's. */
export function randomAccountId(): string {
  return `${randomInt(1, 10)}${String(randomInt(0, 100_000_000_000)).padStart(11, '0')}`;
}

/** `AKIA` + 16 base32 characters, the shape of an AWS long-term access key id. */
export function newAccessKeyId(): string {
  const bytes = randomBytes(16);
  return `AKIA${[...bytes].map((b) => BASE32[b % 32]).join('')}`;
}

/** 40 characters of base64 (30 random bytes), the shape of an AWS secret access key. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

export const API_KEY_PREFIX = 'alk_';

/** A bearer key with 256 bits of randomness. */
export function newApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}
