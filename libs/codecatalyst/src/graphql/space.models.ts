import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '@accountlink/common';
import type { Space } from '@accountlink/db';
import { UserModel } from '@accountlink/tenancy';
import { spaceArn } from '../domain/space-rules';

export enum SpaceRoleEnum {
  SPACE_ADMINISTRATOR = 'SPACE_ADMINISTRATOR',
  POWER_USER = 'POWER_USER',
  LIMITED_ACCESS = 'LIMITED_ACCESS',
}
registerEnumType(SpaceRoleEnum, { name: 'SpaceRole' });

export enum SpaceTierEnum {
  FREE = 'FREE',
  STANDARD = 'STANDARD',
  ENTERPRISE = 'ENTERPRISE',
}
registerEnumType(SpaceTierEnum, { name: 'SpaceTier' });

@ObjectType('SpaceMember')
export class SpaceMemberModel {
  @Field(() => UserModel) user!: UserModel;
  @Field(() => SpaceRoleEnum) role!: SpaceRoleEnum;
  @Field() addedAt!: Date;
}

@ObjectType('Space', { description: 'A CodeCatalyst space' })
export class SpaceModel {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field({ description: 'arn:aws:codecatalyst:::space/<spaceId>' }) arn!: string;
  @Field() region!: string;
  @Field(() => SpaceTierEnum) tier!: SpaceTierEnum;
  @Field() createdAt!: Date;
  /** Resolved to `billingConnection`; not a field of its own. */
  billingConnectionId!: string | null;

  static from(row: Space): SpaceModel {
    return {
      id: row.id,
      name: row.name,
      arn: spaceArn(row.id),
      region: row.region,
      tier: row.tier as SpaceTierEnum,
      createdAt: row.createdAt,
      billingConnectionId: row.billingConnectionId,
    };
  }
}

export const SpaceConnection = Connection(SpaceModel, 'Space');

@InputType()
export class CreateSpaceInput {
  @Field() name!: string;
  @Field({ description: 'us-west-2 or eu-west-1, where CodeCatalyst runs' }) region!: string;
}

@InputType()
export class SpaceMemberInput {
  @Field(() => ID) spaceId!: string;
  @Field(() => ID) userId!: string;
  @Field(() => SpaceRoleEnum) role!: SpaceRoleEnum;
}

@InputType()
export class SetSpaceBillingConnectionInput {
  @Field(() => ID) spaceId!: string;
  @Field(() => ID) connectionId!: string;
}

@InputType()
export class UpdateSpaceTierInput {
  @Field(() => ID) spaceId!: string;
  @Field(() => SpaceTierEnum) tier!: SpaceTierEnum;
}

@InputType()
export class RemoveSpaceMemberInput {
  @Field(() => ID) spaceId!: string;
  @Field(() => ID) userId!: string;
}
