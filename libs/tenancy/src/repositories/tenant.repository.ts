import { Injectable } from '@nestjs/common';
import type { SystemDb, Tables, Tenant, Tx } from '@accountlink/db';
import type { Updateable } from 'kysely';
import type { FaultRule } from '../domain/fault-injection';

/** The per-tenant settings columns, read and written together. */
export const SETTINGS_COLUMNS = [
  'connectionQuota',
  'requestsPerSecondPerAccount',
  'connectionTokenTtlSeconds',
  'verificationsPerMinutePerCaller',
  'verificationsPerMinutePerTenant',
  'environmentQuota',
  'templateQuota',
  'provisioningDelayMs',
  'deploymentFailureRate',
  'graphqlMaxDepth',
  'graphqlMaxAliases',
  'graphqlMaxCost',
  'roleQuota',
  'userQuota',
  'spaceQuota',
  'bundleObjectQuota',
  'accountConnectionQuota',
  'faultInjection',
  'corsOrigins',
  'worldAccountLimit',
] as const;

/** The settings as stored; the JSON column as the rules it holds (checked when written). */
export type SettingsRow = Omit<
  Pick<Tenant, (typeof SETTINGS_COLUMNS)[number]>,
  'faultInjection'
> & {
  faultInjection: FaultRule[];
};

@Injectable()
export class TenantRepository {
  /** Inserts the tenant unless the name is taken (then null); the transaction stays usable. */
  async insert(tx: Tx, id: string, name: string): Promise<Tenant | null> {
    const row = await tx
      .insertInto('tenants')
      .values({ id, name })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    return row ?? null;
  }

  /** The id of the tenant with this name, across tenants (the owner connection: the seed). */
  async idByName(system: SystemDb, name: string): Promise<string | null> {
    const row = await system
      .selectFrom('tenants')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.id ?? null;
  }

  async find(tx: Tx, id: string): Promise<Tenant | null> {
    return (
      (await tx.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst()) ?? null
    );
  }

  async settings(tx: Tx, id: string): Promise<SettingsRow | null> {
    const row = await tx
      .selectFrom('tenants')
      .select(SETTINGS_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return (row as SettingsRow | undefined) ?? null;
  }

  async updateSettings(
    tx: Tx,
    id: string,
    patch: Updateable<Tables.Tenant>,
  ): Promise<SettingsRow | null> {
    if (Object.keys(patch).length === 0) {
      return this.settings(tx, id);
    }
    const row = await tx
      .updateTable('tenants')
      .set(patch)
      .where('id', '=', id)
      .returning(SETTINGS_COLUMNS)
      .executeTakeFirst();
    return (row as SettingsRow | undefined) ?? null;
  }
}
