import { Injectable } from '@nestjs/common';
import {
  type EnvironmentTemplateVersion,
  type RowLock,
  type SystemDb,
  type Tables,
  type TemplateVersionStatus,
  type Tx,
  withLock,
} from '@accountlink/db';
import { Insertable, sql, Updateable } from 'kysely';

export type VersionRecord = EnvironmentTemplateVersion;

/** A version's numbers and status: what numbering, publishing and deletion rules look at. */
export interface VersionState {
  majorVersion: number;
  minorVersion: number;
  status: TemplateVersionStatus;
}

/** Versions of environment templates (unique per template, major and minor version). */
@Injectable()
export class TemplateVersionRepository {
  async insert(tx: Tx, row: Insertable<Tables.EnvironmentTemplateVersion>): Promise<VersionRecord> {
    return tx
      .insertInto('environment_template_versions')
      .values(row)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async find(
    tx: Tx,
    templateId: string,
    major: number,
    minor: number,
    lock: RowLock | null = null,
  ): Promise<VersionRecord | null> {
    const query = tx
      .selectFrom('environment_template_versions')
      .selectAll()
      .where('templateId', '=', templateId)
      .where('majorVersion', '=', major)
      .where('minorVersion', '=', minor);
    return (await withLock(query, lock).executeTakeFirst()) ?? null;
  }

  async findById(tx: Tx, id: string, lock: RowLock | null = null): Promise<VersionRecord | null> {
    const query = tx.selectFrom('environment_template_versions').selectAll().where('id', '=', id);
    return (await withLock(query, lock).executeTakeFirst()) ?? null;
  }

  async findByToken(
    tx: Tx,
    templateId: string,
    clientToken: string,
  ): Promise<VersionRecord | null> {
    const row = await tx
      .selectFrom('environment_template_versions')
      .selectAll()
      .where('templateId', '=', templateId)
      .where('clientToken', '=', clientToken)
      .executeTakeFirst();
    return row ?? null;
  }

  /** Every version's number and status (a template has at most 1000 versions). */
  async numbers(tx: Tx, templateId: string): Promise<VersionState[]> {
    return tx
      .selectFrom('environment_template_versions')
      .select(['majorVersion', 'minorVersion', 'status'])
      .where('templateId', '=', templateId)
      .execute();
  }

  /** The PUBLISHED versions' numbers. */
  async published(tx: Tx, templateId: string): Promise<{ major: number; minor: number }[]> {
    const rows = await tx
      .selectFrom('environment_template_versions')
      .select(['majorVersion', 'minorVersion'])
      .where('templateId', '=', templateId)
      .where('status', '=', 'PUBLISHED')
      .execute();
    return rows.map((r) => ({ major: r.majorVersion, minor: r.minorVersion }));
  }

  /** A page in (major, minor) order, optionally of one major version: `limit` rows and one more. */
  async page(
    tx: Tx,
    templateId: string,
    majorVersion: number | null,
    after: [number, number] | null,
    limit: number,
  ): Promise<VersionRecord[]> {
    let query = tx
      .selectFrom('environment_template_versions')
      .selectAll()
      .where('templateId', '=', templateId);
    if (majorVersion !== null) {
      query = query.where('majorVersion', '=', majorVersion);
    }
    if (after) {
      query = query.where(
        sql<boolean>`("majorVersion", "minorVersion") > (${after[0]}, ${after[1]})`,
      );
    }
    return query
      .orderBy('majorVersion')
      .orderBy('minorVersion')
      .limit(limit + 1)
      .execute();
  }

  /**
   * One version per major version, after `afterMajor`, in major order: the major's highest
   * PUBLISHED minor (its recommended one), or its highest minor when none is published. A template
   * has at most 1000 versions, read through the (templateId, majorVersion, minorVersion) index.
   */
  async majorsPage(
    tx: Tx,
    templateId: string,
    afterMajor: number | null,
    limit: number,
  ): Promise<VersionRecord[]> {
    let query = tx
      .selectFrom('environment_template_versions')
      .selectAll()
      .distinctOn('majorVersion')
      .where('templateId', '=', templateId);
    if (afterMajor !== null) {
      query = query.where('majorVersion', '>', afterMajor);
    }
    return query
      .orderBy('majorVersion')
      .orderBy(sql`"status" = 'PUBLISHED'`, 'desc')
      .orderBy('minorVersion', 'desc')
      .limit(limit + 1)
      .execute();
  }

  /** Every version of many templates, in version order, in one query. */
  async ofTemplates(
    tx: Tx,
    tenantId: string,
    templateIds: readonly string[],
  ): Promise<VersionRecord[]> {
    if (templateIds.length === 0) {
      return [];
    }
    return tx
      .selectFrom('environment_template_versions')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('templateId', 'in', [...templateIds])
      .orderBy('majorVersion')
      .orderBy('minorVersion')
      .execute();
  }

  async update(
    tx: Tx,
    id: string,
    patch: Updateable<Tables.EnvironmentTemplateVersion>,
  ): Promise<VersionRecord> {
    return tx
      .updateTable('environment_template_versions')
      .set(patch)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Writes `patch` if the version is still in `status`; null otherwise. */
  async updateIfStatus(
    tx: Tx,
    id: string,
    status: TemplateVersionStatus,
    patch: Updateable<Tables.EnvironmentTemplateVersion>,
  ): Promise<VersionRecord | null> {
    const row = await tx
      .updateTable('environment_template_versions')
      .set(patch)
      .where('id', '=', id)
      .where('status', '=', status)
      .returningAll()
      .executeTakeFirst();
    return row ?? null;
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await tx.deleteFrom('environment_template_versions').where('id', '=', id).execute();
  }

  /**
   * Across tenants (owner connection): registrations untouched for `olderThanSeconds` whose
   * event has been relayed. Index: (status, lastModifiedAt).
   */
  async stuck(
    system: SystemDb,
    olderThanSeconds: number,
    tenantId: string | null,
    limit: number,
  ): Promise<{ tenantId: string; id: string }[]> {
    const { rows } = await sql<{ tenantId: string; id: string }>`
      SELECT v."tenantId"::text AS "tenantId", v."id"::text AS "id" FROM "environment_template_versions" v
       WHERE v."status" = 'REGISTRATION_IN_PROGRESS'
         AND v."lastModifiedAt" < now() - make_interval(secs => ${olderThanSeconds})
         AND (${tenantId}::uuid IS NULL OR v."tenantId" = ${tenantId}::uuid)
         AND NOT EXISTS (SELECT 1 FROM "outbox_events" o
                          WHERE o."publishedAt" IS NULL AND o."aggregateId" = v."id"::text)
       ORDER BY v."lastModifiedAt" LIMIT ${limit}`.execute(system);
    return rows;
  }
}
