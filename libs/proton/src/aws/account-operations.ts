import { AccountSettingsService } from '../account-settings.service';
import type { AwsOperation } from './proton-operations';

/** GetAccountSettings and UpdateAccountSettings of the AWS JSON protocol. */
export function accountOperations(settings: AccountSettingsService): [string, AwsOperation][] {
  return [
    ['GetAccountSettings', async (caller) => ({ accountSettings: await settings.get(caller) })],
    [
      'UpdateAccountSettings',
      async (caller, input) => {
        const repository = input.object('pipelineProvisioningRepository');
        return {
          accountSettings: await settings.update(caller, {
            pipelineServiceRoleArn: input.string('pipelineServiceRoleArn'),
            pipelineCodebuildRoleArn: input.string('pipelineCodebuildRoleArn'),
            pipelineProvisioningRepository: repository && {
              provider: repository.requiredString('provider'),
              name: repository.requiredString('name'),
              branch: repository.requiredString('branch'),
            },
            deletePipelineProvisioningRepository: input.boolean(
              'deletePipelineProvisioningRepository',
            ),
          }),
        };
      },
    ],
  ];
}
