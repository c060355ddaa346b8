import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random secret with `bytes` bytes of entropy, URL-safe. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Keys and tokens are stored only as this hash. 256-bit random inputs need no slow KDF. */
export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}

/** Compares two strings in constant time with respect to their content. */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = hash('sha256', a, 'buffer');
  const hb = hash('sha256', b, 'buffer');
  return timingSafeEqual(ha, hb);
}
