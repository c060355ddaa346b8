import { Injectable } from '@nestjs/common';
import { ApiKeyKind, Database } from '@accountlink/db';
import { sql } from 'kysely';

export interface ApiKeyIdentityRow {
  id: string;
  tenantId: string;
  tenantName: string;
  kind: ApiKeyKind;
  accountId: string | null;
  userId: string | null;
}

export interface AccessKeyIdentityRow {
  tenantId: string;
  accountId: string;
  secretAccessKey: string;
}

/**
 * Whose credential is this? Asked before the tenant is known, so through the two definer
 * functions of the database, outside any tenant transaction (one statement each).
 */
@Injectable()
export class CredentialRepository {
  constructor(private readonly database: Database) {}

  async apiKeyByHash(keyHash: string): Promise<ApiKeyIdentityRow | null> {
    const { rows } = await this.database.withoutTenant((db) =>
      sql<ApiKeyIdentityRow>`SELECT * FROM auth_api_key(${keyHash})`.execute(db),
    );
    return rows[0] ?? null;
  }

  async accessKeyById(accessKeyId: string): Promise<AccessKeyIdentityRow | null> {
    const { rows } = await this.database.withoutTenant((db) =>
      sql<AccessKeyIdentityRow>`SELECT * FROM auth_access_key(${accessKeyId})`.execute(db),
    );
    return rows[0] ?? null;
  }
}
