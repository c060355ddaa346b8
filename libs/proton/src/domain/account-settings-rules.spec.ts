import { AppError } from '@accountlink/common';
import { accountSettingsPatch, repositoryArn } from './account-settings-rules';

const ROLE = 'arn:aws:iam::123456789111:role/pipeline-role';
const REPO = { provider: 'GITHUB', name: 'org/infra', branch: 'main' };

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

describe('account settings', () => {
  it('sets the members given, removes a role with the empty string and leaves the rest', () => {
    expect(accountSettingsPatch({})).toEqual({});
    expect(accountSettingsPatch({ pipelineServiceRoleArn: ROLE })).toEqual({
      pipelineServiceRoleArn: ROLE,
    });
    expect(
      accountSettingsPatch({ pipelineServiceRoleArn: '', pipelineCodebuildRoleArn: ROLE }),
    ).toEqual({ pipelineServiceRoleArn: null, pipelineCodebuildRoleArn: ROLE });
  });

  it('links a repository, unlinks it on request, and refuses both at once', () => {
    expect(accountSettingsPatch({ pipelineProvisioningRepository: REPO })).toEqual({
      repositoryProvider: 'GITHUB',
      repositoryName: 'org/infra',
      repositoryBranch: 'main',
    });
    expect(accountSettingsPatch({ deletePipelineProvisioningRepository: true })).toEqual({
      repositoryProvider: null,
      repositoryName: null,
      repositoryBranch: null,
    });
    expect(accountSettingsPatch({ deletePipelineProvisioningRepository: false })).toEqual({});
    expect(
      refusal(() =>
        accountSettingsPatch({
          pipelineProvisioningRepository: REPO,
          deletePipelineProvisioningRepository: true,
        }),
      ).field,
    ).toBe('deletePipelineProvisioningRepository');
  });

  it('refuses what the model does not allow, naming the member as AWS does', () => {
    expect(refusal(() => accountSettingsPatch({ pipelineServiceRoleArn: 'role' })).message).toMatch(
      /at 'pipelineServiceRoleArn' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
    expect(
      refusal(() =>
        accountSettingsPatch({ pipelineProvisioningRepository: { ...REPO, provider: 'GITLAB' } }),
      ).message,
    ).toMatch(
      /Value 'GITLAB' at 'pipelineProvisioningRepository.provider' failed to satisfy constraint: Member must satisfy enum value set: \[GITHUB, GITHUB_ENTERPRISE, BITBUCKET\]/,
    );
    expect(
      refusal(() =>
        accountSettingsPatch({ pipelineProvisioningRepository: { ...REPO, name: 'no-owner' } }),
      ).field,
    ).toBe('pipelineProvisioningRepository.name');
    expect(
      refusal(() =>
        accountSettingsPatch({ pipelineProvisioningRepository: { ...REPO, branch: '' } }),
      ).message,
    ).toMatch(/Member must have length between 1 and 200/);
  });

  it("names a linked repository's ARN with the provider in lower case", () => {
    expect(repositoryArn('us-east-1', '123456789111', 'GITHUB_ENTERPRISE', 'org/infra')).toBe(
      'arn:aws:proton:us-east-1:123456789111:repository/github_enterprise:org/infra',
    );
  });
});
