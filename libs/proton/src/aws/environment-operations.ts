import {
  AppError,
  epochSeconds,
  fromNextToken,
  missing,
  Page,
  toNextToken,
  WireInput,
} from '@accountlink/common';
import { deploymentArn, environmentArn } from '../domain/environment-rules';
import { parseVersionNumber } from '../domain/template-rules';
import { DeploymentScope, EnvironmentService, EnvironmentState } from '../environment.service';
import { EnvironmentResourcesService } from '../environment-resources.service';
import type { AwsOperation } from './proton-operations';
import type { DeploymentRow } from '../repositories/deployment.repository';
import type { EnvironmentRow } from '../repositories/environment.repository';
import type { TemplateRow } from '../repositories/template.repository';
import type { VersionView } from '../template-access';
import { TemplateService } from '../template.service';
import { TemplateVersionService } from '../template-version.service';

type Wire = Record<string, unknown>;

/** Optional members are omitted when absent, as AWS does. */
function optional(entries: Record<string, unknown>): Wire {
  return Object.fromEntries(
    Object.entries(entries).filter(([, v]) => v !== null && v !== undefined),
  );
}

export function wireTemplate(t: TemplateRow): Wire {
  return optional({
    arn: `arn:aws:proton:${t.region}:${t.accountId}:environment-template/${t.name}`,
    createdAt: epochSeconds(t.createdAt),
    lastModifiedAt: epochSeconds(t.lastModifiedAt),
    name: t.name,
    displayName: t.displayName,
    description: t.description,
    encryptionKey: t.encryptionKey,
    provisioning: t.provisioning,
    recommendedVersion: t.recommendedVersion,
  });
}

export function wireVersion(v: VersionView, withSchema = true): Wire {
  const t = v.template;
  return optional({
    arn: `arn:aws:proton:${t.region}:${t.accountId}:environment-template/${t.name}:${v.majorVersion}.${v.minorVersion}`,
    createdAt: epochSeconds(v.createdAt),
    lastModifiedAt: epochSeconds(v.lastModifiedAt),
    majorVersion: String(v.majorVersion),
    minorVersion: String(v.minorVersion),
    status: v.status,
    statusMessage: v.statusMessage,
    templateName: t.name,
    description: v.description,
    recommendedMinorVersion:
      v.recommendedMinorVersion === null ? null : String(v.recommendedMinorVersion),
    schema: withSchema ? v.inlineSchema : null,
  });
}

export function wireEnvironment(e: EnvironmentRow, summary = false): Wire {
  return optional({
    arn: environmentArn(e.region, e.accountId, e.name),
    createdAt: epochSeconds(e.createdAt),
    deploymentStatus: e.deploymentStatus,
    deploymentStatusMessage: e.deploymentStatusMessage,
    lastDeploymentAttemptedAt: epochSeconds(e.lastDeploymentAttemptedAt),
    // Required by the model: an environment that has never deployed successfully answers 0
    // (1970-01-01T00:00:00Z), which no real deployment can have.
    lastDeploymentSucceededAt: e.lastDeploymentSucceededAt
      ? epochSeconds(e.lastDeploymentSucceededAt)
      : 0,
    lastAttemptedDeploymentId: e.lastAttemptedDeploymentId,
    lastSucceededDeploymentId: e.lastSucceededDeploymentId,
    name: e.name,
    description: e.description,
    templateName: e.templateName,
    templateMajorVersion: String(e.templateMajorVersion),
    templateMinorVersion: String(e.templateMinorVersion),
    environmentAccountConnectionId: e.environmentAccountConnectionId,
    environmentAccountId: e.environmentAccountConnectionId ? e.environmentAccountId : null,
    protonServiceRoleArn: e.protonServiceRoleArn,
    provisioning: e.provisioning,
    componentRoleArn: e.componentRoleArn,
    ...(summary ? {} : { spec: e.spec, codebuildRoleArn: e.codebuildRoleArn }),
  });
}

function wireState(state: unknown): Wire | null {
  if (!state) {
    return null;
  }
  const s = state as EnvironmentState;
  return {
    environment: {
      spec: s.spec,
      templateName: s.templateName,
      templateMajorVersion: String(s.templateMajorVersion),
      templateMinorVersion: String(s.templateMinorVersion),
    },
  };
}

export function wireDeployment(d: DeploymentRow, summary = false): Wire {
  return optional({
    id: d.id,
    arn: deploymentArn(d.region, d.accountId, d.id),
    targetArn: environmentArn(d.region, d.accountId, d.environmentName),
    targetResourceType: 'ENVIRONMENT',
    targetResourceCreatedAt: epochSeconds(d.environmentCreatedAt),
    environmentName: d.environmentName,
    deploymentStatus: d.status,
    createdAt: epochSeconds(d.createdAt),
    lastModifiedAt: epochSeconds(d.lastModifiedAt),
    completedAt: d.completedAt ? epochSeconds(d.completedAt) : null,
    ...(summary
      ? {}
      : {
          deploymentStatusMessage: d.statusMessage,
          initialState: wireState(d.initialState),
          targetState: wireState(d.targetState),
        }),
  });
}

function nextToken<T>(page: Page<T>): Wire {
  return page.hasNextPage ? { nextToken: toNextToken(page.cursors.at(-1) ?? null) } : {};
}

function version(input: WireInput, field: string): number {
  return parseVersionNumber(field, input.requiredString(field));
}

function optionalVersion(input: WireInput, field: string): number | undefined {
  const value = input.string(field);
  return value === undefined ? undefined : parseVersionNumber(field, value);
}

/** What CreateEnvironment and UpdateEnvironment both read: the description and the roles. */
function provisioningMembers(input: WireInput) {
  return {
    description: input.string('description'),
    environmentAccountConnectionId: input.string('environmentAccountConnectionId'),
    protonServiceRoleArn: input.string('protonServiceRoleArn'),
    codebuildRoleArn: input.string('codebuildRoleArn'),
    componentRoleArn: input.string('componentRoleArn'),
  };
}

/** A list answered in one page gives out no nextToken, so any it is sent is invalid. */
function refuseNextToken(input: WireInput): void {
  if (input.string('nextToken') !== undefined) {
    throw AppError.badInput('nextToken', 'The pagination token is not valid for this request');
  }
}

/** Self-managed provisioning (a repository and pull requests) is not simulated. */
function refuseProvisioningRepository(input: WireInput): void {
  // A value of the wrong type is refused as such first, like every other member.
  if (input.object('provisioningRepository')) {
    throw AppError.badInput(
      'provisioningRepository',
      'Self-managed (pull request) provisioning is not simulated; use standard or CUSTOMER_MANAGED templates',
    );
  }
}

function deploymentScope(input: WireInput): DeploymentScope {
  return {
    environmentName: input.string('environmentName'),
    serviceName: input.string('serviceName'),
    serviceInstanceName: input.string('serviceInstanceName'),
    componentName: input.string('componentName'),
  };
}

/** The environment and environment-template operations of the AWS JSON protocol. */
export function environmentOperations(
  templates: TemplateService,
  versions: TemplateVersionService,
  environments: EnvironmentService,
  resources: EnvironmentResourcesService,
): [string, AwsOperation][] {
  return [
    [
      'CreateEnvironmentTemplate',
      async (caller, input) => ({
        environmentTemplate: wireTemplate(
          await templates.createTemplate(caller, {
            name: input.requiredString('name'),
            displayName: input.string('displayName'),
            description: input.string('description'),
            encryptionKey: input.string('encryptionKey'),
            provisioning: input.string('provisioning'),
            tags: input.tags('tags'),
          }),
        ),
      }),
    ],
    [
      'GetEnvironmentTemplate',
      async (caller, input) => ({
        environmentTemplate: wireTemplate(
          await templates.getTemplate(caller, input.requiredString('name')),
        ),
      }),
    ],
    [
      'ListEnvironmentTemplates',
      async (caller, input) => {
        const page = await templates.listTemplates(
          caller,
          input.maxResults(),
          fromNextToken(input.string('nextToken')),
        );
        return {
          templates: page.items.map((t) => {
            const { encryptionKey: _omitted, ...summary } = wireTemplate(t);
            return summary;
          }),
          ...nextToken(page),
        };
      },
    ],
    [
      'UpdateEnvironmentTemplate',
      async (caller, input) => ({
        environmentTemplate: wireTemplate(
          await templates.updateTemplate(caller, input.requiredString('name'), {
            displayName: input.string('displayName'),
            description: input.string('description'),
          }),
        ),
      }),
    ],
    [
      'DeleteEnvironmentTemplate',
      async (caller, input) => ({
        environmentTemplate: wireTemplate(
          await templates.deleteTemplate(caller, input.requiredString('name')),
        ),
      }),
    ],
    [
      'CreateEnvironmentTemplateVersion',
      async (caller, input) => {
        const s3 = input.object('source')?.object('s3');
        if (!s3) {
          throw missing('source.s3');
        }
        return {
          environmentTemplateVersion: wireVersion(
            await versions.createVersion(caller, {
              templateName: input.requiredString('templateName'),
              majorVersion: optionalVersion(input, 'majorVersion'),
              description: input.string('description'),
              clientToken: input.string('clientToken'),
              source: { bucket: s3.requiredString('bucket'), key: s3.requiredString('key') },
              tags: input.tags('tags'),
            }),
          ),
        };
      },
    ],
    [
      'GetEnvironmentTemplateVersion',
      async (caller, input) => ({
        environmentTemplateVersion: wireVersion(
          await versions.getVersion(
            caller,
            input.requiredString('templateName'),
            version(input, 'majorVersion'),
            version(input, 'minorVersion'),
          ),
        ),
      }),
    ],
    [
      'ListEnvironmentTemplateVersions',
      async (caller, input) => {
        // With majorVersion: its minor versions; without: one summary per major version.
        const templateName = input.requiredString('templateName');
        const major = optionalVersion(input, 'majorVersion');
        const after = fromNextToken(input.string('nextToken'));
        const page =
          major === undefined
            ? await versions.listMajorVersions(caller, templateName, input.maxResults(), after)
            : await versions.listVersions(caller, templateName, major, input.maxResults(), after);
        return {
          templateVersions: page.items.map((v) => wireVersion(v, false)),
          ...nextToken(page),
        };
      },
    ],
    [
      'UpdateEnvironmentTemplateVersion',
      async (caller, input) => ({
        environmentTemplateVersion: wireVersion(
          await versions.updateVersion(
            caller,
            input.requiredString('templateName'),
            version(input, 'majorVersion'),
            version(input, 'minorVersion'),
            { status: input.string('status'), description: input.string('description') },
          ),
        ),
      }),
    ],
    [
      'DeleteEnvironmentTemplateVersion',
      async (caller, input) => ({
        environmentTemplateVersion: wireVersion(
          await versions.deleteVersion(
            caller,
            input.requiredString('templateName'),
            version(input, 'majorVersion'),
            version(input, 'minorVersion'),
          ),
        ),
      }),
    ],
    [
      'CreateEnvironment',
      async (caller, input) => {
        refuseProvisioningRepository(input);
        return {
          environment: wireEnvironment(
            await environments.create(caller, {
              name: input.requiredString('name'),
              templateName: input.requiredString('templateName'),
              templateMajorVersion: version(input, 'templateMajorVersion'),
              templateMinorVersion: optionalVersion(input, 'templateMinorVersion'),
              spec: input.requiredString('spec'),
              ...provisioningMembers(input),
              tags: input.tags('tags'),
            }),
          ),
        };
      },
    ],
    [
      'GetEnvironment',
      async (caller, input) => ({
        environment: wireEnvironment(await environments.get(caller, input.requiredString('name'))),
      }),
    ],
    [
      'ListEnvironments',
      async (caller, input) => {
        const filters = input.objectList('environmentTemplates');
        const page = await environments.list(caller, {
          templates: filters?.map((f) => ({
            // Both members of EnvironmentTemplateFilter are required in the model.
            templateName: f.requiredString('templateName'),
            majorVersion: version(f, 'majorVersion'),
          })),
          first: input.maxResults(),
          after: fromNextToken(input.string('nextToken')),
        });
        return {
          environments: page.items.map((e) => wireEnvironment(e, true)),
          ...nextToken(page),
        };
      },
    ],
    [
      'UpdateEnvironment',
      async (caller, input) => {
        refuseProvisioningRepository(input);
        return {
          environment: wireEnvironment(
            await environments.update(caller, {
              name: input.requiredString('name'),
              deploymentType: input.requiredString('deploymentType'),
              spec: input.string('spec'),
              templateMajorVersion: optionalVersion(input, 'templateMajorVersion'),
              templateMinorVersion: optionalVersion(input, 'templateMinorVersion'),
              ...provisioningMembers(input),
            }),
          ),
        };
      },
    ],
    [
      'DeleteEnvironment',
      async (caller, input) => ({
        environment: wireEnvironment(
          await environments.delete(caller, input.requiredString('name')),
        ),
      }),
    ],
    [
      'CancelEnvironmentDeployment',
      async (caller, input) => ({
        environment: wireEnvironment(
          await environments.cancel(caller, input.requiredString('environmentName')),
        ),
      }),
    ],
    [
      'ListEnvironmentOutputs',
      async (caller, input) => {
        refuseNextToken(input);
        return {
          outputs: await environments.outputs(
            caller,
            input.requiredString('environmentName'),
            input.string('deploymentId'),
          ),
        };
      },
    ],
    [
      'ListEnvironmentProvisionedResources',
      async (caller, input) => {
        const name = input.requiredString('environmentName');
        refuseNextToken(input);
        return { provisionedResources: await resources.provisionedResources(caller, name) };
      },
    ],
    ['GetResourcesSummary', async (caller) => ({ counts: await resources.summary(caller) })],
    [
      'DeleteDeployment',
      async (caller, input) => ({
        deployment: wireDeployment(
          await environments.deleteDeployment(caller, input.requiredString('id')),
        ),
      }),
    ],
    [
      'ListDeployments',
      async (caller, input) => {
        const page = await environments.listDeployments(caller, {
          ...deploymentScope(input),
          first: input.maxResults(),
          after: fromNextToken(input.string('nextToken')),
        });
        return { deployments: page.items.map((d) => wireDeployment(d, true)), ...nextToken(page) };
      },
    ],
    [
      'GetDeployment',
      async (caller, input) => ({
        deployment: wireDeployment(
          await environments.getDeployment(
            caller,
            input.requiredString('id'),
            deploymentScope(input),
          ),
        ),
      }),
    ],
  ];
}
