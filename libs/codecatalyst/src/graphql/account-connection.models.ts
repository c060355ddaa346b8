import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '@accountlink/common';
import type { AccountConnectionRow } from '../repositories/account-connection.repository';
import type { AccountConnectionSnapshot } from '../connection-events';
import { connectionArn } from '../domain/connection-rules';

export enum AccountConnectionStatusEnum {
  PENDING_VERIFICATION = 'PENDING_VERIFICATION',
  VERIFIED = 'VERIFIED',
  REJECTED = 'REJECTED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(AccountConnectionStatusEnum, { name: 'AccountConnectionStatus' });

@ObjectType('AccountConnectionTransition')
export class AccountConnectionTransitionModel {
  @Field() at!: Date;
  @Field() actor!: string;
  @Field(() => AccountConnectionStatusEnum, { nullable: true })
  from!: AccountConnectionStatusEnum | null;
  @Field(() => AccountConnectionStatusEnum) to!: AccountConnectionStatusEnum;
  @Field() reason!: string;
}

@ObjectType('AccountConnection', { description: 'An AWS account added to a CodeCatalyst space' })
export class AccountConnectionModel {
  @Field(() => ID) id!: string;
  @Field({ description: 'arn:aws:codecatalyst:<region>:<accountId>:/connections/<id>' })
  arn!: string;
  @Field(() => ID) spaceId!: string;
  @Field() accountId!: string;
  @Field() displayName!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => AccountConnectionStatusEnum) status!: AccountConnectionStatusEnum;
  @Field() paidTiersAuthorized!: boolean;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) verifiedAt!: Date | null;
  @Field({ description: 'When the connection token stops working' }) expiresAt!: Date;

  static from(row: AccountConnectionRow): AccountConnectionModel {
    return {
      id: row.id,
      arn: connectionArn(row.space.region, row.accountId, row.id),
      spaceId: row.spaceId,
      accountId: row.accountId,
      displayName: row.displayName,
      description: row.description,
      status: row.status as AccountConnectionStatusEnum,
      paidTiersAuthorized: row.paidTiersAuthorized,
      createdAt: row.createdAt,
      verifiedAt: row.verifiedAt,
      expiresAt: row.expiresAt,
    };
  }

  static fromSnapshot(s: AccountConnectionSnapshot): AccountConnectionModel {
    return {
      id: s.id,
      arn: connectionArn(s.region, s.accountId, s.id),
      spaceId: s.spaceId,
      accountId: s.accountId,
      displayName: s.displayName,
      description: s.description,
      status: s.status as AccountConnectionStatusEnum,
      paidTiersAuthorized: s.paidTiersAuthorized,
      createdAt: new Date(s.createdAt),
      verifiedAt: s.verifiedAt ? new Date(s.verifiedAt) : null,
      expiresAt: new Date(s.expiresAt),
    };
  }
}

export enum AccountConnectionChangeKind {
  REQUESTED = 'REQUESTED',
  VERIFIED = 'VERIFIED',
  REJECTED = 'REJECTED',
  EXPIRED = 'EXPIRED',
  DELETED = 'DELETED',
  ROLE_ASSOCIATED = 'ROLE_ASSOCIATED',
  ROLE_DISASSOCIATED = 'ROLE_DISASSOCIATED',
  ROLE_VALIDATION_CHANGED = 'ROLE_VALIDATION_CHANGED',
  BILLING_AUTHORIZATION_CHANGED = 'BILLING_AUTHORIZATION_CHANGED',
  TAGS_CHANGED = 'TAGS_CHANGED',
}
registerEnumType(AccountConnectionChangeKind, { name: 'AccountConnectionChangeKind' });

/** Event types of account connections, as subscribers see them. */
export const CHANGE_KINDS: Readonly<Record<string, AccountConnectionChangeKind>> = {
  'codecatalyst.connection.requested': AccountConnectionChangeKind.REQUESTED,
  'codecatalyst.connection.verified': AccountConnectionChangeKind.VERIFIED,
  'codecatalyst.connection.rejected': AccountConnectionChangeKind.REJECTED,
  'codecatalyst.connection.expired': AccountConnectionChangeKind.EXPIRED,
  'codecatalyst.connection.deleted': AccountConnectionChangeKind.DELETED,
  'codecatalyst.connection.role-associated': AccountConnectionChangeKind.ROLE_ASSOCIATED,
  'codecatalyst.connection.role-disassociated': AccountConnectionChangeKind.ROLE_DISASSOCIATED,
  'codecatalyst.connection.role-validation-changed':
    AccountConnectionChangeKind.ROLE_VALIDATION_CHANGED,
  'codecatalyst.connection.billing-authorization-changed':
    AccountConnectionChangeKind.BILLING_AUTHORIZATION_CHANGED,
  'codecatalyst.connection.tagged': AccountConnectionChangeKind.TAGS_CHANGED,
};

@ObjectType('AccountConnectionChange', {
  description: 'One change of an account connection, with the connection as it then was',
})
export class AccountConnectionChangeModel {
  @Field(() => ID, {
    description: 'The event id: increasing per connection; drop duplicates by it',
  })
  eventId!: string;
  @Field(() => AccountConnectionChangeKind) kind!: AccountConnectionChangeKind;
  @Field() at!: Date;
  @Field({ description: 'Who made it: user:<id>, account:<id>, tenant-admin or system' })
  actor!: string;
  @Field(() => String, {
    nullable: true,
    description: 'The IAM role concerned, for role changes',
  })
  roleArn!: string | null;
  @Field(() => AccountConnectionModel) connection!: AccountConnectionModel;
}

export const AccountConnectionConnection = Connection(AccountConnectionModel, 'AccountConnection');

@ObjectType('RoleValidationResult')
export class RoleValidationResultModel {
  @Field() status!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => Date, { nullable: true }) checkedAt!: Date | null;
}

@ObjectType('ConnectionRole', { description: 'An IAM role associated with an account connection' })
export class ConnectionRoleModel {
  @Field() roleArn!: string;
  @Field(() => RoleValidationResultModel, {
    description: 'PENDING, VALID or INVALID with the reason',
  })
  validation!: RoleValidationResultModel;

  static from(row: {
    roleArn: string;
    status: string;
    reason: string | null;
    checkedAt: Date | null;
  }): ConnectionRoleModel {
    return {
      roleArn: row.roleArn,
      validation: { status: row.status, reason: row.reason, checkedAt: row.checkedAt },
    };
  }
}

@InputType()
export class ConnectionRoleInput {
  @Field(() => ID) connectionId!: string;
  @Field() roleArn!: string;
}

@ObjectType('BillingAuthorization')
export class BillingAuthorizationModel {
  @Field(() => ID) connectionId!: string;
  @Field({ description: 'Whether the account allows the space to use paid tiers' })
  paidTiersAuthorized!: boolean;
  @Field({ description: "Whether this connection's account is the space's billing account" })
  isBillingConnection!: boolean;
}

@InputType()
export class PutBillingAuthorizationInput {
  @Field(() => ID) connectionId!: string;
  @Field() authorizePaidTiers!: boolean;
}

@ObjectType('RequestAccountConnectionPayload')
export class RequestAccountConnectionPayload {
  @Field(() => AccountConnectionModel) connection!: AccountConnectionModel;
  @Field({
    description:
      'The connection token, shown this once: hand it to an administrator of the account',
  })
  token!: string;
}

@ObjectType('PendingAccountConnection', { description: 'What an account is asked to verify' })
export class PendingAccountConnectionModel {
  @Field() spaceName!: string;
  @Field() displayName!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field() accountId!: string;
  @Field() expiresAt!: Date;
}

@InputType()
export class RequestAccountConnectionInput {
  @Field(() => ID) spaceId!: string;
  @Field() accountId!: string;
  @Field() displayName!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
}

@InputType()
export class AcceptAccountConnectionInput {
  @Field() token!: string;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Allow the space to move to the Standard or Enterprise tier',
  })
  authorizePaidTiers?: boolean | null;
}

@InputType()
export class RejectAccountConnectionInput {
  @Field() token!: string;
}
