import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection, TagInput } from '@accountlink/common';
import { connectionArn } from '../domain/connection-rules';
import type { ConnectionSnapshot } from '../connection.service';
import type { ConnectionRow } from '../proton-caller';

export enum EnvironmentAccountConnectionStatus {
  PENDING = 'PENDING',
  CONNECTED = 'CONNECTED',
  REJECTED = 'REJECTED',
}
registerEnumType(EnvironmentAccountConnectionStatus, {
  name: 'EnvironmentAccountConnectionStatus',
});

export enum RequesterAccountType {
  MANAGEMENT_ACCOUNT = 'MANAGEMENT_ACCOUNT',
  ENVIRONMENT_ACCOUNT = 'ENVIRONMENT_ACCOUNT',
}
registerEnumType(RequesterAccountType, { name: 'RequesterAccountType' });

export enum RoleValidationKind {
  ROLE = 'ROLE',
  CODEBUILD_ROLE = 'CODEBUILD_ROLE',
  COMPONENT_ROLE = 'COMPONENT_ROLE',
}
registerEnumType(RoleValidationKind, { name: 'RoleValidationKind' });

export enum RoleValidationStatus {
  PENDING = 'PENDING',
  VALID = 'VALID',
  INVALID = 'INVALID',
}
registerEnumType(RoleValidationStatus, { name: 'RoleValidationStatus' });

@ObjectType('RoleValidation', {
  description: 'What the worker found when checking a role of the connection',
})
export class RoleValidationModel {
  @Field() roleArn!: string;
  @Field(() => RoleValidationKind) kind!: RoleValidationKind;
  @Field(() => RoleValidationStatus) status!: RoleValidationStatus;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => Date, { nullable: true }) checkedAt!: Date | null;
}

@ObjectType('ConnectionTransition', { description: 'One change of the connection' })
export class ConnectionTransitionModel {
  @Field() at!: Date;
  @Field({ description: 'Who made the change' }) actor!: string;
  @Field(() => EnvironmentAccountConnectionStatus, { nullable: true })
  from!: EnvironmentAccountConnectionStatus | null;
  @Field(() => EnvironmentAccountConnectionStatus) to!: EnvironmentAccountConnectionStatus;
  @Field({ description: 'Why' }) reason!: string;
}

/** The AWS shape of a connection, plus the region. Tags, validation and history resolve lazily. */
@ObjectType('EnvironmentAccountConnection')
export class EnvironmentAccountConnectionModel {
  @Field(() => ID) id!: string;
  @Field() arn!: string;
  @Field() region!: string;
  @Field() environmentAccountId!: string;
  @Field() managementAccountId!: string;
  @Field() environmentName!: string;
  @Field(() => String, { nullable: true }) roleArn!: string | null;
  @Field(() => String, { nullable: true }) codebuildRoleArn!: string | null;
  @Field(() => String, { nullable: true }) componentRoleArn!: string | null;
  @Field(() => EnvironmentAccountConnectionStatus) status!: EnvironmentAccountConnectionStatus;
  @Field() requestedAt!: Date;
  @Field() lastModifiedAt!: Date;

  static from(row: ConnectionRow | ConnectionSnapshot): EnvironmentAccountConnectionModel {
    return {
      id: row.id,
      arn: connectionArn(row.region, row.environmentAccountId, row.id),
      region: row.region,
      environmentAccountId: row.environmentAccountId,
      managementAccountId: row.managementAccountId,
      environmentName: row.environmentName,
      roleArn: row.roleArn,
      codebuildRoleArn: row.codebuildRoleArn,
      componentRoleArn: row.componentRoleArn,
      status: row.status as EnvironmentAccountConnectionStatus,
      requestedAt: new Date(row.requestedAt),
      lastModifiedAt: new Date(row.lastModifiedAt),
    };
  }
}

export const EnvironmentAccountConnectionConnection = Connection(
  EnvironmentAccountConnectionModel,
  'EnvironmentAccountConnection',
);

@InputType()
export class CreateEnvironmentAccountConnectionInput {
  @Field() environmentName!: string;
  @Field() managementAccountId!: string;
  @Field(() => String, { nullable: true }) roleArn?: string | null;
  @Field(() => String, { nullable: true }) codebuildRoleArn?: string | null;
  @Field(() => String, { nullable: true }) componentRoleArn?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Idempotency: the same token returns the first result',
  })
  clientToken?: string | null;
  @Field(() => [TagInput], { nullable: true }) tags?: TagInput[] | null;
}

@InputType()
export class UpdateEnvironmentAccountConnectionInput {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) roleArn?: string | null;
  @Field(() => String, { nullable: true }) codebuildRoleArn?: string | null;
  @Field(() => String, { nullable: true }) componentRoleArn?: string | null;
}
