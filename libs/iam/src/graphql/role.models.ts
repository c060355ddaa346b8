import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { Connection } from '@accountlink/common';
import type { Role } from '@accountlink/db';
import { arnOf } from '../role.service';

@ObjectType('Role', { description: 'A simulated IAM role' })
export class RoleModel {
  @Field() arn!: string;
  @Field() roleName!: string;
  @Field() path!: string;
  @Field() accountId!: string;
  @Field() assumeRolePolicyDocument!: string;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;

  static from(row: Role): RoleModel {
    return {
      arn: arnOf(row),
      roleName: row.roleName,
      path: row.path,
      accountId: row.accountId,
      assumeRolePolicyDocument: row.assumeRolePolicyDocument,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

export const RoleConnection = Connection(RoleModel, 'Role');

@InputType()
export class CreateRoleInput {
  @Field() accountId!: string;
  @Field() roleName!: string;
  @Field(() => String, { nullable: true, description: 'Defaults to "/"' }) path?: string | null;
  @Field({ description: 'The trust policy, as JSON' }) assumeRolePolicyDocument!: string;
}

@InputType()
export class UpdateAssumeRolePolicyInput {
  @Field() accountId!: string;
  @Field() roleName!: string;
  @Field() policyDocument!: string;
}

@InputType()
export class DeleteRoleInput {
  @Field() accountId!: string;
  @Field() roleName!: string;
}
