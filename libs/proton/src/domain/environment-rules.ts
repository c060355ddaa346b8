import { AppError } from '@accountlink/common';
import { VersionNumber } from './template-rules';

export type DeploymentStatus =
  | 'IN_PROGRESS'
  | 'FAILED'
  | 'SUCCEEDED'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_FAILED'
  | 'DELETE_COMPLETE'
  | 'CANCELLING'
  | 'CANCELLED';

export type DeploymentType = 'NONE' | 'CURRENT_VERSION' | 'MINOR_VERSION' | 'MAJOR_VERSION';
export const DEPLOYMENT_TYPES: readonly DeploymentType[] = [
  'NONE',
  'CURRENT_VERSION',
  'MINOR_VERSION',
  'MAJOR_VERSION',
];

/** A deployment that has not ended: the environment takes no other change meanwhile. */
export function isBusy(status: DeploymentStatus): boolean {
  return status === 'IN_PROGRESS' || status === 'CANCELLING' || status === 'DELETE_IN_PROGRESS';
}

export function environmentArn(region: string, accountId: string, name: string): string {
  return `arn:aws:proton:${region}:${accountId}:environment/${name}`;
}

export function templateArn(region: string, accountId: string, name: string): string {
  return `arn:aws:proton:${region}:${accountId}:environment-template/${name}`;
}

export function templateVersionArn(
  region: string,
  accountId: string,
  name: string,
  v: VersionNumber,
): string {
  return `${templateArn(region, accountId, name)}:${v.major}.${v.minor}`;
}

export function deploymentArn(region: string, accountId: string, id: string): string {
  return `arn:aws:proton:${region}:${accountId}:deployment/${id}`;
}

/** The simulated CloudFormation stack of an environment in its target account. */
export function stackName(environmentName: string, environmentId: string): string {
  return `AWSProton-${environmentName}-cloudformation-${environmentId.slice(0, 8)}`;
}

/** Where an environment is provisioned: through a connection, or with a service role. */
export interface Provisioning {
  connectionId: string | null;
  serviceRoleArn: string | null;
}

/**
 * CreateEnvironment takes exactly one of environmentAccountConnectionId and protonServiceRoleArn.
 * A customer-managed environment needs the role too (for the outputs Proton records).
 */
export function checkCreateProvisioning(input: Provisioning): void {
  if (input.connectionId && input.serviceRoleArn) {
    throw AppError.badInput(
      'environmentAccountConnectionId',
      'Specify environmentAccountConnectionId or protonServiceRoleArn, not both',
    );
  }
  if (!input.connectionId && !input.serviceRoleArn) {
    throw AppError.badInput(
      'protonServiceRoleArn',
      'Specify environmentAccountConnectionId (provision in an environment account) or protonServiceRoleArn (provision in this account)',
    );
  }
}

/**
 * The target of UpdateEnvironment, by the reference's rules: change the connection or the role,
 * not both; never attach a connection to an environment that had none; an environment provisioned
 * through a connection stays in that environment account (the new connection is checked by the
 * caller). Returns what the update changes, or null when it keeps the current target.
 */
export function nextProvisioning(
  current: Provisioning,
  requested: Provisioning,
): Provisioning | null {
  if (requested.connectionId && requested.serviceRoleArn) {
    throw AppError.badInput(
      'environmentAccountConnectionId',
      'You can change environmentAccountConnectionId or protonServiceRoleArn, not both',
    );
  }
  if (requested.connectionId) {
    if (!current.connectionId) {
      throw AppError.badInput(
        'environmentAccountConnectionId',
        'This environment was not created with an environment account connection; one cannot be attached to it',
      );
    }
    return requested.connectionId === current.connectionId
      ? null
      : { connectionId: requested.connectionId, serviceRoleArn: null };
  }
  if (requested.serviceRoleArn) {
    if (current.connectionId) {
      throw AppError.badInput(
        'protonServiceRoleArn',
        'This environment is provisioned through an environment account connection; update environmentAccountConnectionId instead',
      );
    }
    return requested.serviceRoleArn === current.serviceRoleArn
      ? null
      : { connectionId: null, serviceRoleArn: requested.serviceRoleArn };
  }
  return null;
}

export interface PublishedVersions {
  /** Every PUBLISHED version of the template. */
  published: readonly VersionNumber[];
}

function highestIn(versions: readonly VersionNumber[], major?: number): VersionNumber | null {
  let best: VersionNumber | null = null;
  for (const v of versions) {
    if (major !== undefined && v.major !== major) {
      continue;
    }
    if (!best || v.major > best.major || (v.major === best.major && v.minor > best.minor)) {
      best = v;
    }
  }
  return best;
}

/**
 * The template version a deployment type deploys. CURRENT_VERSION keeps the version;
 * MINOR_VERSION moves within the major version (to the given or the highest published minor);
 * MAJOR_VERSION moves to a higher major (the given one, or the highest published). The result
 * must be a PUBLISHED version. NONE deploys nothing and returns null.
 */
export function targetVersion(
  type: DeploymentType,
  current: VersionNumber,
  requested: { major?: number; minor?: number },
  templates: PublishedVersions,
): VersionNumber | null {
  const unpublished = (v: VersionNumber) =>
    AppError.badInput(
      'templateMajorVersion',
      `Template version ${v.major}.${v.minor} is not a PUBLISHED version of the template`,
    );
  const isPublished = (v: VersionNumber) =>
    templates.published.some((p) => p.major === v.major && p.minor === v.minor);
  switch (type) {
    case 'NONE':
      if (requested.major !== undefined || requested.minor !== undefined) {
        throw AppError.badInput(
          'deploymentType',
          'deploymentType NONE changes metadata only; a template version needs CURRENT_VERSION, MINOR_VERSION or MAJOR_VERSION',
        );
      }
      return null;
    case 'CURRENT_VERSION':
      if (
        (requested.major !== undefined && requested.major !== current.major) ||
        (requested.minor !== undefined && requested.minor !== current.minor)
      ) {
        throw AppError.badInput(
          'deploymentType',
          'CURRENT_VERSION redeploys the current template version; use MINOR_VERSION or MAJOR_VERSION to change it',
        );
      }
      return { ...current };
    case 'MINOR_VERSION': {
      if (requested.major !== undefined && requested.major !== current.major) {
        throw AppError.badInput(
          'templateMajorVersion',
          'MINOR_VERSION stays in the current major version; use MAJOR_VERSION to change it',
        );
      }
      const target =
        requested.minor !== undefined
          ? { major: current.major, minor: requested.minor }
          : highestIn(templates.published, current.major);
      if (!target || !isPublished(target)) {
        throw unpublished(target ?? { major: current.major, minor: requested.minor ?? 0 });
      }
      return target;
    }
    case 'MAJOR_VERSION': {
      const major = requested.major ?? highestIn(templates.published)?.major;
      if (major === undefined || major <= current.major) {
        throw AppError.badInput(
          'templateMajorVersion',
          `MAJOR_VERSION moves to a major version above ${current.major}, and none is published`,
        );
      }
      const target =
        requested.minor !== undefined
          ? { major, minor: requested.minor }
          : highestIn(templates.published, major);
      if (!target || !isPublished(target)) {
        throw unpublished(target ?? { major, minor: requested.minor ?? 0 });
      }
      return target;
    }
  }
}

/** What a deployment's failure injection decides, from a uniform random draw in [0, 1). */
export function injectedFailure(rate: number, draw: number): boolean {
  return rate > 0 && draw < rate;
}
