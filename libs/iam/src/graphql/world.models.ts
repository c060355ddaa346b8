import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import type { WorldResult } from '../world.service';

@InputType({ description: 'A role every created account of the world gets' })
export class WorldRoleInput {
  @Field() roleName!: string;
  @Field(() => String, { nullable: true, description: 'Defaults to "/"' }) path?: string | null;
  @Field({
    description:
      "The trust policy, as JSON; {accountId} becomes each account's id, {managementAccountId} the world's managementAccountId",
  })
  assumeRolePolicyDocument!: string;
}

@InputType({
  description:
    'Accounts by id (accountIds), or count ids from firstAccountId up; accounts already in the tenant are left as they are',
})
export class CreateWorldInput {
  @Field(() => [String], { nullable: true }) accountIds?: string[] | null;
  @Field(() => String, { nullable: true }) firstAccountId?: string | null;
  @Field(() => Int, { nullable: true }) count?: number | null;
  @Field(() => String, {
    nullable: true,
    description: "Substituted for {managementAccountId} in the roles' trust policies",
  })
  managementAccountId?: string | null;
  @Field(() => [WorldRoleInput], { nullable: true, description: 'At most 10' })
  roles?: WorldRoleInput[] | null;
  @Field(() => Boolean, { nullable: true, description: 'An API key for each created account' })
  apiKeys?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'An access key for each created account' })
  accessKeys?: boolean | null;
}

@ObjectType('WorldCredentials', {
  description:
    'Where the minted keys wait, sealed with downloadToken (kept by nobody else): GET /worlds/{worldId}/credentials with the admin key and the header X-Download-Token; once, before expiresAt',
})
export class WorldCredentialsModel {
  @Field(() => ID) worldId!: string;
  @Field() downloadToken!: string;
  @Field() path!: string;
  @Field() expiresAt!: Date;
}

@ObjectType('CreateWorldPayload')
export class CreateWorldPayload {
  @Field(() => Int) accountsCreated!: number;
  @Field(() => Int, { description: 'Accounts that were there already, left as they were' })
  accountsExisting!: number;
  @Field(() => Int) rolesCreated!: number;
  @Field(() => Int) apiKeysCreated!: number;
  @Field(() => Int) accessKeysCreated!: number;
  @Field(() => WorldCredentialsModel, {
    nullable: true,
    description: 'Null when no key was minted',
  })
  credentials!: WorldCredentialsModel | null;

  static from(result: WorldResult): CreateWorldPayload {
    const { credentials, ...counts } = result;
    return {
      ...counts,
      credentials: credentials
        ? { ...credentials, path: `/worlds/${credentials.worldId}/credentials` }
        : null,
    };
  }
}
