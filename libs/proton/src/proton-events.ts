import type { DomainEvent } from '@accountlink/events';
import type { DeploymentRow } from './repositories/deployment.repository';
import type { EnvironmentRow } from './repositories/environment.repository';
import type { TemplateRow } from './repositories/template.repository';
import type { VersionRecord } from './repositories/template-version.repository';

/** A template version with its template (what every version read and event needs). */
export type VersionRow = VersionRecord & { template: TemplateRow };

export function templateEvent(template: TemplateRow, actor: string): DomainEvent {
  return {
    tenantId: template.tenantId,
    type: 'proton.template.changed',
    aggregateType: 'EnvironmentTemplate',
    aggregateId: template.id,
    accountIds: [template.accountId],
    payload: { templateName: template.name, region: template.region, actor },
  };
}

export function versionEvent(
  type: 'proton.template-version.created' | 'proton.template-version.changed',
  version: VersionRow,
  actor: string,
): DomainEvent {
  return {
    tenantId: version.tenantId,
    type,
    aggregateType: 'EnvironmentTemplateVersion',
    aggregateId: version.id,
    accountIds: [version.template.accountId],
    payload: {
      versionId: version.id,
      templateName: version.template.name,
      region: version.template.region,
      majorVersion: version.majorVersion,
      minorVersion: version.minorVersion,
      status: version.status,
      actor,
    },
  };
}

export function environmentEvent(
  environment: EnvironmentRow,
  deployment: DeploymentRow,
  actor: string,
  type:
    | 'proton.environment.deployment-started'
    | 'proton.environment.changed' = 'proton.environment.changed',
): DomainEvent {
  return {
    tenantId: environment.tenantId,
    type,
    aggregateType: 'Environment',
    aggregateId: environment.id,
    // Only the management account (and tenant administrators) see an environment.
    accountIds: [environment.accountId],
    payload: {
      deploymentId: deployment.id,
      deploymentStatus: deployment.status,
      actor,
      environment: environmentSnapshot(environment),
    },
  };
}

/** An environment as an event carries it: JSON-safe (dates as ISO strings). */
export type EnvironmentSnapshot = Omit<
  EnvironmentRow,
  'createdAt' | 'lastDeploymentAttemptedAt' | 'lastDeploymentSucceededAt'
> & {
  createdAt: string;
  lastDeploymentAttemptedAt: string;
  lastDeploymentSucceededAt: string | null;
};

export function environmentSnapshot(e: EnvironmentRow): EnvironmentSnapshot {
  return {
    ...e,
    createdAt: e.createdAt.toISOString(),
    lastDeploymentAttemptedAt: e.lastDeploymentAttemptedAt.toISOString(),
    lastDeploymentSucceededAt: e.lastDeploymentSucceededAt?.toISOString() ?? null,
  };
}

export function fromSnapshot(s: EnvironmentSnapshot): EnvironmentRow {
  return {
    ...s,
    createdAt: new Date(s.createdAt),
    lastDeploymentAttemptedAt: new Date(s.lastDeploymentAttemptedAt),
    lastDeploymentSucceededAt: s.lastDeploymentSucceededAt
      ? new Date(s.lastDeploymentSucceededAt)
      : null,
  };
}
