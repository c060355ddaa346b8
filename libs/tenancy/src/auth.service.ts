import { Inject, Injectable } from '@nestjs/common';
import { AppError, constantTimeEqual, Principal, sha256Hex } from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { ApiKeyKind, PrismaService } from '@accountlink/db';

interface ApiKeyRow {
  id: string;
  tenantId: string;
  tenantName: string;
  kind: ApiKeyKind;
  accountId: string | null;
  userId: string | null;
}

export interface AccessKeyIdentity {
  tenantId: string;
  accountId: string;
  secretAccessKey: string;
}

/**
 * Turns credentials into principals. Lookups go through the two definer functions of the
 * database, since the tenant is not known before the key is.
 */
@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly prisma: PrismaService,
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
    const rows = await this.prisma.client.$queryRaw<
      ApiKeyRow[]
    >`SELECT * FROM auth_api_key(${sha256Hex(key)})`;
    const row = rows[0];
    if (!row) {
      throw AppError.unauthenticated('The API key is unknown or revoked');
    }
    if (row.kind === ApiKeyKind.USER && row.userId) {
      return {
        kind: 'USER',
        tenantId: row.tenantId,
        tenantName: row.tenantName,
        userId: row.userId,
        keyId: row.id,
      };
    }
    if (row.kind === ApiKeyKind.ACCOUNT && row.accountId) {
      return {
        kind: 'ACCOUNT',
        tenantId: row.tenantId,
        tenantName: row.tenantName,
        accountId: row.accountId,
        keyId: row.id,
      };
    }
    return {
      kind: 'TENANT_ADMIN',
      tenantId: row.tenantId,
      tenantName: row.tenantName,
      keyId: row.id,
    };
  }

  /** The account and secret behind an access key id (SigV4 verification), or null. */
  async findAccessKey(accessKeyId: string): Promise<AccessKeyIdentity | null> {
    const rows = await this.prisma.client.$queryRaw<
      AccessKeyIdentity[]
    >`SELECT * FROM auth_access_key(${accessKeyId})`;
    return rows[0] ?? null;
  }
}
