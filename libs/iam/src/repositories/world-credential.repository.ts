import { Injectable } from '@nestjs/common';
import type { DB, Tx } from '@accountlink/db';
import type { Kysely } from 'kysely';

export interface SealedBatch {
  batch: number;
  sealed: Buffer;
  expiresAt: Date;
}

/** The sealed credentials of createWorld calls, one row per committed batch. */
@Injectable()
export class WorldCredentialRepository {
  async insert(
    tx: Tx,
    row: { tenantId: string; worldId: string; batch: number; sealed: Buffer; expiresAt: Date },
  ): Promise<void> {
    await tx.insertInto('world_credentials').values(row).execute();
  }

  /**
   * Removes a world's rows and returns them in batch order: the one download (a second, or a
   * concurrent one, finds none once this commits).
   */
  async take(tx: Tx, tenantId: string, worldId: string): Promise<SealedBatch[]> {
    const rows = await tx
      .deleteFrom('world_credentials')
      .where('tenantId', '=', tenantId)
      .where('worldId', '=', worldId)
      .returning(['batch', 'sealed', 'expiresAt'])
      .execute();
    return rows.sort((a, b) => a.batch - b.batch);
  }

  /** Across tenants (the owner connection): removes what expired undownloaded. */
  async purgeExpired(system: Kysely<DB>): Promise<number> {
    const result = await system
      .deleteFrom('world_credentials')
      .where('expiresAt', '<', new Date())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
