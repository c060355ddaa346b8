import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Opaque, tamper-evident keyset cursors: base64url(JSON) + '.' + HMAC. The scope (tenant and list
 * name) is part of the MAC, so a cursor from one tenant or one list is worthless in another.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  encode(scope: string, key: readonly (string | number)[]): string {
    const body = Buffer.from(JSON.stringify(key)).toString('base64url');
    return `${body}.${this.mac(scope, body)}`;
  }

  /** Returns the key, or null when the cursor is malformed, forged or from another scope. */
  decode(scope: string, cursor: string): (string | number)[] | null {
    const dot = cursor.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    const body = cursor.slice(0, dot);
    const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(scope, body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return null;
    }
    try {
      const key: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      if (Array.isArray(key) && key.every((k) => typeof k === 'string' || typeof k === 'number')) {
        return key as (string | number)[];
      }
    } catch {
      return null;
    }
    return null;
  }

  private mac(scope: string, body: string): string {
    return createHmac('sha256', this.secret)
      .update(scope)
      .update('\0')
      .update(body)
      .digest('base64url');
  }
}
