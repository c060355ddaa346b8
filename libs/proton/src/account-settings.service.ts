import { Injectable } from '@nestjs/common';
import { Database } from '@accountlink/db';
import {
  accountSettingsPatch,
  repositoryArn,
  AccountSettingsChange,
} from './domain/account-settings-rules';
import { ProtonCaller } from './proton-caller';
import {
  AccountSettingsRepository,
  AccountSettingsRow,
} from './repositories/account-settings.repository';

/** AccountSettings of the model (every member optional). */
export interface AccountSettingsView {
  pipelineServiceRoleArn?: string;
  pipelineCodebuildRoleArn?: string;
  pipelineProvisioningRepository?: { arn: string; provider: string; name: string; branch: string };
}

/**
 * GetAccountSettings and UpdateAccountSettings of an account in a region: the pipeline service
 * and CodeBuild roles and the linked pipeline repository, stored and returned. Pipelines are not
 * simulated yet, so nothing acts on them.
 */
@Injectable()
export class AccountSettingsService {
  constructor(
    private readonly db: Database,
    private readonly settings: AccountSettingsRepository,
  ) {}

  async get(caller: ProtonCaller): Promise<AccountSettingsView> {
    const row = await this.db.withTenant(caller.tenantId, (tx) => this.settings.find(tx, caller));
    return view(row);
  }

  async update(caller: ProtonCaller, input: AccountSettingsChange): Promise<AccountSettingsView> {
    const patch = accountSettingsPatch(input);
    const row = await this.db.withTenant(caller.tenantId, async (tx) =>
      Object.keys(patch).length === 0
        ? this.settings.find(tx, caller)
        : this.settings.upsert(tx, caller, patch, new Date()),
    );
    return view(row);
  }
}

function view(row: AccountSettingsRow | null): AccountSettingsView {
  if (!row) {
    return {};
  }
  return {
    ...(row.pipelineServiceRoleArn ? { pipelineServiceRoleArn: row.pipelineServiceRoleArn } : {}),
    ...(row.pipelineCodebuildRoleArn
      ? { pipelineCodebuildRoleArn: row.pipelineCodebuildRoleArn }
      : {}),
    ...(row.repositoryProvider && row.repositoryName && row.repositoryBranch
      ? {
          pipelineProvisioningRepository: {
            arn: repositoryArn(
              row.region,
              row.accountId,
              row.repositoryProvider,
              row.repositoryName,
            ),
            provider: row.repositoryProvider,
            name: row.repositoryName,
            branch: row.repositoryBranch,
          },
        }
      : {}),
  };
}
