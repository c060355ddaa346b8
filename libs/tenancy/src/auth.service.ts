import { Inject, Injectable } from '@nestjs/common';
import { AppError, constantTimeEqual, Principal, sha256Hex } from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { ApiKeyKind } from '@accountlink/db';
import { PrincipalCache } from './principal-cache';
import { ApiKeyIdentityRow, CredentialRepository } from './repositories/credential.repository';

export interface AccessKeyIdentity {
  tenantId: string;
  accountId: string;
  secretAccessKey: string;
}

/**
 * Turns credentials into principals. Lookups go through the two definer functions of the
 * database, since the tenant is not known before the key is; their answers are cached in process
 * (PrincipalCache), so a known key costs no round trip.
 */
@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly credentials: CredentialRepository,
    private readonly cache: PrincipalCache,
  ) {}

  /** The principal of an `Authorization` header; UNAUTHENTICATED for anything but a live key. */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) {
      throw AppError.unauthenticated();
    }
    const key = match[1] as string;
    if (constantTimeEqual(key, this.config.operatorToken)) {
      return { kind: 'OPERATOR' };
    }
    const hash = sha256Hex(key);
    const cached = this.cache.get<Principal>('api-key', hash);
    if (cached) {
      return cached;
    }
    const row = await this.credentials.apiKeyByHash(hash);
    const principal = row ? principalOf(row) : null;
    if (!principal) {
      throw AppError.unauthenticated('The API key is unknown or revoked');
    }
    this.cache.set('api-key', hash, principal);
    return principal;
  }

  /** The account and secret behind an access key id (SigV4 verification), or null. */
  async findAccessKey(accessKeyId: string): Promise<AccessKeyIdentity | null> {
    const cached = this.cache.get<AccessKeyIdentity>('access-key', accessKeyId);
    if (cached) {
      return cached;
    }
    const row = await this.credentials.accessKeyById(accessKeyId);
    if (row) {
      this.cache.set('access-key', accessKeyId, row);
    }
    return row;
  }
}

/**
 * Whom a key acts for, from its kind; a row whose kind and subject disagree (which the trigger
 * api_keys_kind_subject_check forbids) is refused rather than read as the most powerful kind.
 */
export function principalOf(row: ApiKeyIdentityRow): Principal | null {
  const base = { tenantId: row.tenantId, tenantName: row.tenantName, keyId: row.id };
  switch (row.kind) {
    case ApiKeyKind.USER:
      return row.userId && !row.accountId ? { kind: 'USER', ...base, userId: row.userId } : null;
    case ApiKeyKind.ACCOUNT:
      return row.accountId && !row.userId
        ? { kind: 'ACCOUNT', ...base, accountId: row.accountId }
        : null;
    case ApiKeyKind.TENANT_ADMIN:
      return !row.accountId && !row.userId ? { kind: 'TENANT_ADMIN', ...base } : null;
    default:
      return null;
  }
}
