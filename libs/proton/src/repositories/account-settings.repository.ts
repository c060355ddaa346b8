import { Injectable } from '@nestjs/common';
import { type ProtonAccountSettings, type Tx } from '@accountlink/db';
import type { AccountSettingsPatch } from '../domain/account-settings-rules';
import type { EnvironmentScope } from './environment.repository';

export type AccountSettingsRow = ProtonAccountSettings;

/** Proton's account settings, one row per tenant, account and region (the primary key). */
@Injectable()
export class AccountSettingsRepository {
  async find(tx: Tx, scope: EnvironmentScope): Promise<AccountSettingsRow | null> {
    const row = await tx
      .selectFrom('proton_account_settings')
      .selectAll()
      .where('tenantId', '=', scope.tenantId)
      .where('accountId', '=', scope.accountId)
      .where('region', '=', scope.region)
      .executeTakeFirst();
    return row ?? null;
  }

  /** Applies the patch in one statement (the row is created on the first change). */
  async upsert(
    tx: Tx,
    scope: EnvironmentScope,
    patch: AccountSettingsPatch,
    at: Date,
  ): Promise<AccountSettingsRow> {
    return tx
      .insertInto('proton_account_settings')
      .values({
        tenantId: scope.tenantId,
        accountId: scope.accountId,
        region: scope.region,
        ...patch,
        lastModifiedAt: at,
      })
      .onConflict((oc) =>
        oc
          .columns(['tenantId', 'accountId', 'region'])
          .doUpdateSet({ ...patch, lastModifiedAt: at }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
