import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { validateAccountId } from '@accountlink/tenancy';

/** Roles one world gives each of its accounts. */
export const WORLD_MAX_ROLES = 10;
/** Accounts written per transaction: a batch commits (or not) as a whole. */
export const WORLD_BATCH = 500;
/** How long a world's credentials wait for their one download. */
export const WORLD_CREDENTIALS_TTL_MS = 60 * 60 * 1000;

export interface WorldAccounts {
  accountIds?: readonly string[] | null;
  firstAccountId?: string | null;
  count?: number | null;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

/**
 * The world's account ids, in order: the list given, or `count` ids from `firstAccountId` up
 * (12 digits each, none twice).
 */
export function worldAccountIds(input: WorldAccounts): Checked<string[]> {
  const listed = input.accountIds ?? null;
  const ranged = (input.firstAccountId ?? null) !== null || (input.count ?? null) !== null;
  if ((listed === null) === !ranged) {
    return {
      ok: false,
      field: 'accountIds',
      message: 'Give accountIds, or firstAccountId and count (not both)',
    };
  }
  if (listed !== null) {
    const seen = new Set<string>();
    for (const [i, id] of listed.entries()) {
      const problem = validateAccountId(id);
      if (problem) {
        return { ok: false, field: `accountIds[${i}]`, message: problem };
      }
      if (seen.has(id)) {
        return { ok: false, field: `accountIds[${i}]`, message: `Account ${id} is listed twice` };
      }
      seen.add(id);
    }
    if (listed.length === 0) {
      return { ok: false, field: 'accountIds', message: 'accountIds must name an account' };
    }
    return { ok: true, value: [...listed] };
  }
  const first = input.firstAccountId ?? '';
  const problem = validateAccountId(first);
  if (problem) {
    return { ok: false, field: 'firstAccountId', message: problem };
  }
  const count = input.count ?? 0;
  if (!Number.isInteger(count) || count < 1) {
    return { ok: false, field: 'count', message: 'count must be at least 1' };
  }
  const start = Number(first);
  if (start + count - 1 > 999_999_999_999) {
    return { ok: false, field: 'count', message: 'The range goes past account 999999999999' };
  }
  return {
    ok: true,
    value: Array.from({ length: count }, (_, i) => String(start + i).padStart(12, '0')),
  };
}

/**
 * A role template's trust policy for one account: `{accountId}` becomes the account's id and
 * `{managementAccountId}` the world's management account (both 12 digits, so a valid document
 * stays valid and keeps its size).
 */
export function policyFor(
  template: string,
  accountId: string,
  managementAccountId: string | null,
): string {
  let document = template.replaceAll('{accountId}', accountId);
  if (managementAccountId !== null) {
    document = document.replaceAll('{managementAccountId}', managementAccountId);
  }
  return document;
}

/** Whether a template names `{managementAccountId}`, which then must be given. */
export function needsManagementAccount(template: string): boolean {
  return template.includes('{managementAccountId}');
}

/** One line of a world's credentials download. */
export interface WorldCredentialLine {
  accountId: string;
  apiKey?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** A new key to seal a world's credentials with; it is given to the caller only. */
export function newWorldKey(): Buffer {
  return randomBytes(32);
}

/** NDJSON lines, sealed with AES-256-GCM: a 12-byte nonce, the 16-byte tag, the ciphertext. */
export function sealCredentials(key: Buffer, lines: readonly WorldCredentialLine[]): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const text = lines.map((line) => `${JSON.stringify(line)}\n`).join('');
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), body]);
}

/** The NDJSON text sealed with `key`, or null when the key is not the one it was sealed with. */
export function openCredentials(key: Buffer, sealed: Buffer): string | null {
  if (key.length !== 32 || sealed.length < 28) {
    return null;
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
