import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection, TagInput } from '@accountlink/common';
import { DeploymentStatus, environmentArn, templateArn } from '../domain/environment-rules';
import type {
  CountsSummary,
  ProvisionedResource,
  ResourceCounts,
} from '../environment-resources.service';
import type { AccountSettingsView } from '../account-settings.service';
import type { EnvironmentState } from '../environment.service';
import type { DeploymentRow } from '../repositories/deployment.repository';
import type { EnvironmentRow } from '../repositories/environment.repository';
import type { StackRow } from '../repositories/stack.repository';
import type { TemplateRow } from '../repositories/template.repository';
import type { VersionView } from '../template-access';

export enum DeploymentStatusEnum {
  IN_PROGRESS = 'IN_PROGRESS',
  FAILED = 'FAILED',
  SUCCEEDED = 'SUCCEEDED',
  DELETE_IN_PROGRESS = 'DELETE_IN_PROGRESS',
  DELETE_FAILED = 'DELETE_FAILED',
  DELETE_COMPLETE = 'DELETE_COMPLETE',
  CANCELLING = 'CANCELLING',
  CANCELLED = 'CANCELLED',
}
registerEnumType(DeploymentStatusEnum, { name: 'DeploymentStatus' });

export enum TemplateVersionStatusEnum {
  REGISTRATION_IN_PROGRESS = 'REGISTRATION_IN_PROGRESS',
  REGISTRATION_FAILED = 'REGISTRATION_FAILED',
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
}
registerEnumType(TemplateVersionStatusEnum, { name: 'TemplateVersionStatus' });

export enum DeploymentTypeEnum {
  NONE = 'NONE',
  CURRENT_VERSION = 'CURRENT_VERSION',
  MINOR_VERSION = 'MINOR_VERSION',
  MAJOR_VERSION = 'MAJOR_VERSION',
}
registerEnumType(DeploymentTypeEnum, { name: 'DeploymentType' });

@ObjectType('EnvironmentTemplate')
export class EnvironmentTemplateModel {
  @Field(() => ID) id!: string;
  @Field() arn!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) displayName!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'CUSTOMER_MANAGED for imported environments',
  })
  provisioning!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The highest PUBLISHED version, "major.minor"',
  })
  recommendedVersion!: string | null;
  @Field() createdAt!: Date;
  @Field() lastModifiedAt!: Date;

  static from(t: TemplateRow): EnvironmentTemplateModel {
    return {
      id: t.id,
      arn: templateArn(t.region, t.accountId, t.name),
      name: t.name,
      displayName: t.displayName,
      description: t.description,
      provisioning: t.provisioning,
      recommendedVersion: t.recommendedVersion,
      createdAt: t.createdAt,
      lastModifiedAt: t.lastModifiedAt,
    };
  }
}

export const EnvironmentTemplateConnection = Connection(
  EnvironmentTemplateModel,
  'EnvironmentTemplate',
);

@ObjectType('EnvironmentTemplateVersion')
export class EnvironmentTemplateVersionModel {
  @Field() arn!: string;
  @Field() templateName!: string;
  @Field(() => Int) majorVersion!: number;
  @Field(() => Int) minorVersion!: number;
  @Field(() => TemplateVersionStatusEnum) status!: TemplateVersionStatusEnum;
  @Field(() => String, { nullable: true, description: 'Why registration failed' })
  statusMessage!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => Int, { nullable: true }) recommendedMinorVersion!: number | null;
  @Field(() => String, { nullable: true, description: 'The registered schema file' })
  schema!: string | null;
  @Field() createdAt!: Date;
  @Field() lastModifiedAt!: Date;

  static from(v: VersionView): EnvironmentTemplateVersionModel {
    const t = v.template;
    return {
      arn: `${templateArn(t.region, t.accountId, t.name)}:${v.majorVersion}.${v.minorVersion}`,
      templateName: t.name,
      majorVersion: v.majorVersion,
      minorVersion: v.minorVersion,
      status: v.status as TemplateVersionStatusEnum,
      statusMessage: v.statusMessage,
      description: v.description,
      recommendedMinorVersion: v.recommendedMinorVersion,
      schema: v.status === 'REGISTRATION_IN_PROGRESS' ? null : v.inlineSchema,
      createdAt: v.createdAt,
      lastModifiedAt: v.lastModifiedAt,
    };
  }
}

export const EnvironmentTemplateVersionConnection = Connection(
  EnvironmentTemplateVersionModel,
  'EnvironmentTemplateVersion',
);

@ObjectType('EnvironmentOutput')
export class EnvironmentOutputModel {
  @Field() key!: string;
  @Field() valueString!: string;
}

@ObjectType('Environment', {
  description:
    'A Proton environment; only its management account (and tenant administrators) see it',
})
export class EnvironmentModel {
  @Field(() => ID) id!: string;
  @Field() arn!: string;
  @Field() name!: string;
  @Field({ description: 'The management account' }) accountId!: string;
  @Field() region!: string;
  @Field() templateName!: string;
  @Field(() => Int) templateMajorVersion!: number;
  @Field(() => Int) templateMinorVersion!: number;
  @Field(() => String, { nullable: true }) provisioning!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field() spec!: string;
  @Field(() => ID, { nullable: true }) environmentAccountConnectionId!: string | null;
  @Field({ description: 'Where the infrastructure is provisioned' }) environmentAccountId!: string;
  @Field(() => String, { nullable: true }) protonServiceRoleArn!: string | null;
  @Field(() => DeploymentStatusEnum) deploymentStatus!: DeploymentStatusEnum;
  @Field(() => String, { nullable: true }) deploymentStatusMessage!: string | null;
  @Field(() => ID, { nullable: true }) lastAttemptedDeploymentId!: string | null;
  @Field(() => ID, { nullable: true }) lastSucceededDeploymentId!: string | null;
  @Field() lastDeploymentAttemptedAt!: Date;
  @Field(() => Date, { nullable: true }) lastDeploymentSucceededAt!: Date | null;
  @Field(() => [EnvironmentOutputModel]) outputs!: EnvironmentOutputModel[];
  @Field() createdAt!: Date;

  static from(e: EnvironmentRow): EnvironmentModel {
    return {
      id: e.id,
      arn: environmentArn(e.region, e.accountId, e.name),
      name: e.name,
      accountId: e.accountId,
      region: e.region,
      templateName: e.templateName,
      templateMajorVersion: e.templateMajorVersion,
      templateMinorVersion: e.templateMinorVersion,
      provisioning: e.provisioning,
      description: e.description,
      spec: e.spec,
      environmentAccountConnectionId: e.environmentAccountConnectionId,
      environmentAccountId: e.environmentAccountId,
      protonServiceRoleArn: e.protonServiceRoleArn,
      deploymentStatus: e.deploymentStatus as DeploymentStatusEnum,
      deploymentStatusMessage: e.deploymentStatusMessage,
      lastAttemptedDeploymentId: e.lastAttemptedDeploymentId,
      lastSucceededDeploymentId: e.lastSucceededDeploymentId,
      lastDeploymentAttemptedAt: e.lastDeploymentAttemptedAt,
      lastDeploymentSucceededAt: e.lastDeploymentSucceededAt,
      outputs: e.outputs as unknown as EnvironmentOutputModel[],
      createdAt: e.createdAt,
    };
  }
}

export const EnvironmentConnection = Connection(EnvironmentModel, 'Environment');

@ObjectType('EnvironmentState')
export class EnvironmentStateModel {
  @Field() spec!: string;
  @Field() templateName!: string;
  @Field(() => Int) templateMajorVersion!: number;
  @Field(() => Int) templateMinorVersion!: number;
}

@ObjectType('Deployment')
export class DeploymentModel {
  @Field(() => ID) id!: string;
  @Field() arn!: string;
  @Field() environmentName!: string;
  @Field({ description: 'DEPLOY or DELETE' }) kind!: string;
  @Field(() => DeploymentStatusEnum) status!: DeploymentStatusEnum;
  @Field(() => String, { nullable: true }) statusMessage!: string | null;
  @Field({ description: 'The account the infrastructure is provisioned in' })
  targetAccountId!: string;
  @Field(() => String, { nullable: true, description: 'The role Proton assumed (or tried to)' })
  roleArn!: string | null;
  @Field(() => ID, { nullable: true }) connectionId!: string | null;
  @Field(() => EnvironmentStateModel, { nullable: true }) initialState!: EnvironmentState | null;
  @Field(() => EnvironmentStateModel) targetState!: EnvironmentState;
  @Field() createdAt!: Date;
  @Field() lastModifiedAt!: Date;
  @Field(() => Date, { nullable: true }) completedAt!: Date | null;

  static from(d: DeploymentRow): DeploymentModel {
    return {
      id: d.id,
      arn: `arn:aws:proton:${d.region}:${d.accountId}:deployment/${d.id}`,
      environmentName: d.environmentName,
      kind: d.kind,
      status: d.status as DeploymentStatus as DeploymentStatusEnum,
      statusMessage: d.statusMessage,
      targetAccountId: d.targetAccountId,
      roleArn: d.roleArn || null,
      connectionId: d.connectionId,
      initialState: d.initialState as EnvironmentState | null,
      targetState: d.targetState as unknown as EnvironmentState,
      createdAt: d.createdAt,
      lastModifiedAt: d.lastModifiedAt,
      completedAt: d.completedAt,
    };
  }
}

export const DeploymentConnection = Connection(DeploymentModel, 'Deployment');

@ObjectType('Stack', {
  description:
    'A simulated CloudFormation stack: what the environment account sees of an environment',
})
export class StackModel {
  @Field() name!: string;
  @Field() accountId!: string;
  @Field() region!: string;
  @Field({ description: 'CREATE_COMPLETE or UPDATE_COMPLETE' }) status!: string;
  @Field({ description: 'The environment that provisioned it' }) environmentArn!: string;
  @Field(() => [EnvironmentOutputModel]) outputs!: EnvironmentOutputModel[];
  @Field() createdAt!: Date;
  @Field() lastModifiedAt!: Date;

  static from(s: StackRow): StackModel {
    return {
      name: s.name,
      accountId: s.accountId,
      region: s.region,
      status: s.status,
      environmentArn: s.environmentArn,
      outputs: s.outputs as unknown as EnvironmentOutputModel[],
      createdAt: s.createdAt,
      lastModifiedAt: s.lastModifiedAt,
    };
  }
}

export const StackConnection = Connection(StackModel, 'Stack');

@ObjectType('BundleObject', { description: 'An object of the simulated S3 store' })
export class BundleObjectModel {
  @Field() bucket!: string;
  @Field() key!: string;
  @Field(() => Int) size!: number;
  @Field() createdAt!: Date;
}

@InputType()
export class PutBundleObjectInput {
  @Field(() => String, {
    nullable: true,
    description: 'The account whose store it is (tenant admins); an account key uses its own',
  })
  accountId?: string | null;
  @Field() bucket!: string;
  @Field() key!: string;
  @Field(() => String, {
    nullable: true,
    description: 'The bundle as text: its schema file (YAML or JSON)',
  })
  body?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The bundle as bytes, in base64: a .tar.gz as Proton takes them',
  })
  bodyBase64?: string | null;
}

@InputType()
export class CreateEnvironmentTemplateInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'CUSTOMER_MANAGED for imported environments',
  })
  provisioning?: string | null;
  @Field(() => [TagInput], { nullable: true }) tags?: TagInput[] | null;
}

@InputType()
export class S3ObjectSourceInput {
  @Field() bucket!: string;
  @Field() key!: string;
}

@InputType()
export class CreateEnvironmentTemplateVersionInput {
  @Field() templateName!: string;
  @Field(() => Int, {
    nullable: true,
    description: 'A new minor version of this major version; omitted: a new major version',
  })
  majorVersion?: number | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true, description: 'The schema file inline (YAML or JSON)' })
  schema?: string | null;
  @Field(() => S3ObjectSourceInput, {
    nullable: true,
    description: 'Or an object of the simulated S3 store (putBundleObject)',
  })
  s3?: S3ObjectSourceInput | null;
  @Field(() => String, { nullable: true }) clientToken?: string | null;
  @Field(() => [TagInput], { nullable: true }) tags?: TagInput[] | null;
}

@InputType()
export class TemplateVersionInput {
  @Field() templateName!: string;
  @Field(() => Int) majorVersion!: number;
  @Field(() => Int) minorVersion!: number;
}

@InputType()
export class UpdateEnvironmentTemplateVersionInput extends TemplateVersionInput {
  @Field(() => TemplateVersionStatusEnum, { nullable: true })
  status?: TemplateVersionStatusEnum | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}

@InputType()
export class CreateEnvironmentInput {
  @Field() name!: string;
  @Field() templateName!: string;
  @Field(() => Int) templateMajorVersion!: number;
  @Field(() => Int, { nullable: true }) templateMinorVersion?: number | null;
  @Field({ description: 'proton: EnvironmentSpec, then spec: the inputs (YAML or JSON)' })
  spec!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => ID, { nullable: true }) environmentAccountConnectionId?: string | null;
  @Field(() => String, { nullable: true }) protonServiceRoleArn?: string | null;
  @Field(() => String, { nullable: true }) codebuildRoleArn?: string | null;
  @Field(() => String, { nullable: true }) componentRoleArn?: string | null;
  @Field(() => [TagInput], { nullable: true }) tags?: TagInput[] | null;
}

@InputType()
export class UpdateEnvironmentInput {
  @Field() name!: string;
  @Field(() => DeploymentTypeEnum) deploymentType!: DeploymentTypeEnum;
  @Field(() => String, { nullable: true }) spec?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => Int, { nullable: true }) templateMajorVersion?: number | null;
  @Field(() => Int, { nullable: true }) templateMinorVersion?: number | null;
  @Field(() => ID, { nullable: true }) environmentAccountConnectionId?: string | null;
  @Field(() => String, { nullable: true }) protonServiceRoleArn?: string | null;
  @Field(() => String, { nullable: true }) codebuildRoleArn?: string | null;
  @Field(() => String, { nullable: true }) componentRoleArn?: string | null;
}

@InputType()
export class UpdateEnvironmentTemplateInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}

@ObjectType('ProvisionedResource', {
  description: 'A resource Proton provisioned for an environment (its simulated stack)',
})
export class ProvisionedResourceModel {
  @Field() name!: string;
  @Field() identifier!: string;
  @Field() provisioningEngine!: string;

  static from(r: ProvisionedResource): ProvisionedResourceModel {
    return Object.assign(new ProvisionedResourceModel(), r);
  }
}

@ObjectType('ResourceCounts')
export class ResourceCountsModel {
  @Field(() => Int) total!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int, { description: "On their template's recommended version" }) upToDate!: number;
  @Field(() => Int) behindMajor!: number;
  @Field(() => Int) behindMinor!: number;
}

@ObjectType('ResourcesSummary', {
  description:
    'GetResourcesSummary: services, instances, pipelines and components are not simulated (0)',
})
export class ResourcesSummaryModel {
  @Field(() => ResourceCountsModel) environments!: ResourceCounts;
  @Field(() => ResourceCountsModel) environmentTemplates!: ResourceCounts;
  @Field(() => ResourceCountsModel) components!: ResourceCounts;
  @Field(() => ResourceCountsModel) pipelines!: ResourceCounts;
  @Field(() => ResourceCountsModel) serviceInstances!: ResourceCounts;
  @Field(() => ResourceCountsModel) services!: ResourceCounts;
  @Field(() => ResourceCountsModel) serviceTemplates!: ResourceCounts;

  static from(c: CountsSummary): ResourcesSummaryModel {
    return Object.assign(new ResourcesSummaryModel(), c);
  }
}

@ObjectType('RepositoryBranch')
export class RepositoryBranchModel {
  @Field() arn!: string;
  @Field() provider!: string;
  @Field() name!: string;
  @Field() branch!: string;
}

@ObjectType('ProtonAccountSettings', {
  description:
    "Proton's account settings in the request's region (Get/UpdateAccountSettings): stored and returned; pipelines are not simulated",
})
export class ProtonAccountSettingsModel {
  @Field(() => String, { nullable: true }) pipelineServiceRoleArn?: string;
  @Field(() => String, { nullable: true }) pipelineCodebuildRoleArn?: string;
  @Field(() => RepositoryBranchModel, { nullable: true })
  pipelineProvisioningRepository?: RepositoryBranchModel;

  static from(v: AccountSettingsView): ProtonAccountSettingsModel {
    return Object.assign(new ProtonAccountSettingsModel(), v);
  }
}

@InputType()
export class RepositoryBranchInput {
  @Field({ description: 'GITHUB, GITHUB_ENTERPRISE or BITBUCKET' }) provider!: string;
  @Field({ description: 'owner/repository' }) name!: string;
  @Field() branch!: string;
}

@InputType()
export class UpdateAccountSettingsInput {
  @Field(() => String, { nullable: true, description: 'A role ARN; "" removes it' })
  pipelineServiceRoleArn?: string | null;
  @Field(() => String, { nullable: true, description: 'A role ARN; "" removes it' })
  pipelineCodebuildRoleArn?: string | null;
  @Field(() => RepositoryBranchInput, { nullable: true })
  pipelineProvisioningRepository?: RepositoryBranchInput | null;
  @Field(() => Boolean, { nullable: true })
  deletePipelineProvisioningRepository?: boolean | null;
}
