import { AppError, checkString, notInEnum } from '@accountlink/common';
import { LIMITS, PATTERNS } from './connection-rules';

export const REPOSITORY_PROVIDERS = ['GITHUB', 'GITHUB_ENTERPRISE', 'BITBUCKET'] as const;
export type RepositoryProvider = (typeof REPOSITORY_PROVIDERS)[number];

/** RepositoryBranchParams's name (owner/repository) and branch, as the model bounds them. */
const REPOSITORY_NAME = /^[A-Za-z0-9_.-].*\/[A-Za-z0-9_.-].*$/;
const ANY = /^[\s\S]*$/;

/** The changes of one UpdateAccountSettings call: the members it sets (null clears). */
export interface AccountSettingsPatch {
  pipelineServiceRoleArn?: string | null;
  pipelineCodebuildRoleArn?: string | null;
  repositoryProvider?: string | null;
  repositoryName?: string | null;
  repositoryBranch?: string | null;
}

export interface RepositoryBranchParams {
  provider: string;
  name: string;
  branch: string;
}

export interface AccountSettingsChange {
  /** A role ARN; the empty string removes the configured one. */
  pipelineServiceRoleArn?: string | null;
  pipelineCodebuildRoleArn?: string | null;
  pipelineProvisioningRepository?: RepositoryBranchParams | null;
  deletePipelineProvisioningRepository?: boolean | null;
}

function rolePatch(field: string, value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (value === '') {
    return null;
  }
  checkString(field, value, PATTERNS.roleArn, 1, LIMITS.roleArn);
  return value;
}

/**
 * The changes an UpdateAccountSettings call makes, validated: a role ARN sets the role and ''
 * removes it; a repository links it; deletePipelineProvisioningRepository unlinks it (not both in
 * one call); members not given stay as they are.
 */
export function accountSettingsPatch(input: AccountSettingsChange): AccountSettingsPatch {
  const patch: AccountSettingsPatch = {};
  const service = rolePatch('pipelineServiceRoleArn', input.pipelineServiceRoleArn);
  if (service !== undefined) {
    patch.pipelineServiceRoleArn = service;
  }
  const codebuild = rolePatch('pipelineCodebuildRoleArn', input.pipelineCodebuildRoleArn);
  if (codebuild !== undefined) {
    patch.pipelineCodebuildRoleArn = codebuild;
  }
  const repository = input.pipelineProvisioningRepository;
  if (repository && input.deletePipelineProvisioningRepository) {
    throw AppError.badInput(
      'deletePipelineProvisioningRepository',
      'Give pipelineProvisioningRepository or deletePipelineProvisioningRepository, not both',
    );
  }
  if (repository) {
    if (!REPOSITORY_PROVIDERS.includes(repository.provider as RepositoryProvider)) {
      throw notInEnum(
        'pipelineProvisioningRepository.provider',
        REPOSITORY_PROVIDERS,
        repository.provider,
      );
    }
    checkString('pipelineProvisioningRepository.name', repository.name, REPOSITORY_NAME, 1, 100);
    checkString('pipelineProvisioningRepository.branch', repository.branch, ANY, 1, 200);
    patch.repositoryProvider = repository.provider;
    patch.repositoryName = repository.name;
    patch.repositoryBranch = repository.branch;
  } else if (input.deletePipelineProvisioningRepository) {
    patch.repositoryProvider = null;
    patch.repositoryName = null;
    patch.repositoryBranch = null;
  }
  return patch;
}

/** A linked repository's ARN: `arn:aws:proton:<region>:<account>:repository/<provider>:<name>`. */
export function repositoryArn(
  region: string,
  accountId: string,
  provider: string,
  name: string,
): string {
  return `arn:aws:proton:${region}:${accountId}:repository/${provider.toLowerCase()}:${name}`;
}
