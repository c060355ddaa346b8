import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection, Principal } from '@accountlink/common';
import type { AccessKey, Account, ApiKey, Tenant, User } from '@accountlink/db';
import type { LatencyDistribution } from '../domain/fault-injection';

@ObjectType('User', { description: 'A person of the tenant (CodeCatalyst spaces)' })
export class UserModel {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() email!: string;
  @Field() createdAt!: Date;

  static from(row: User): UserModel {
    return { id: row.id, name: row.name, email: row.email, createdAt: row.createdAt };
  }
}

export const UserConnection = Connection(UserModel, 'User');

@InputType()
export class CreateUserInput {
  @Field() name!: string;
  @Field() email!: string;
}

export enum PrincipalKind {
  OPERATOR = 'OPERATOR',
  TENANT_ADMIN = 'TENANT_ADMIN',
  ACCOUNT = 'ACCOUNT',
  USER = 'USER',
}
registerEnumType(PrincipalKind, { name: 'PrincipalKind', description: 'Who a key acts as' });

@ObjectType('Tenant')
export class TenantModel {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() createdAt!: Date;

  static from(row: Tenant): TenantModel {
    return { id: row.id, name: row.name, createdAt: row.createdAt };
  }
}

@ObjectType('Account', { description: 'A simulated AWS account of the tenant' })
export class AccountModel {
  @Field() accountId!: string;
  @Field(() => String, { nullable: true }) alias!: string | null;
  @Field() createdAt!: Date;

  static from(row: Account): AccountModel {
    return { accountId: row.accountId, alias: row.alias, createdAt: row.createdAt };
  }
}

// "AccountConnection" is the CodeCatalyst account connection; the list of accounts is AccountsConnection.
export const AccountConnection = Connection(AccountModel, 'Account', 'AccountsConnection');

@ObjectType('Principal')
export class PrincipalModel {
  @Field(() => PrincipalKind) kind!: PrincipalKind;
  @Field({ description: 'The region of this request (x-aws-region)' }) region!: string;
  /** What `tenant`, `account` and `user` are read by, when a query selects them. */
  principal!: Principal;
}

@ObjectType('CreateTenantPayload')
export class CreateTenantPayload {
  @Field(() => TenantModel) tenant!: TenantModel;
  @Field({ description: 'The first tenant administrator key. Shown once; only its hash is kept.' })
  adminKey!: string;
}

@ObjectType('ApiKey')
export class ApiKeyModel {
  @Field(() => ID) id!: string;
  @Field(() => PrincipalKind) kind!: PrincipalKind;
  @Field(() => String, { nullable: true }) accountId!: string | null;
  @Field(() => ID, { nullable: true }) userId!: string | null;
  @Field({ description: 'The first characters of the key, to tell keys apart' }) keyPrefix!: string;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;

  static from(row: ApiKey): ApiKeyModel {
    return {
      id: row.id,
      kind: PrincipalKind[row.kind],
      accountId: row.accountId,
      userId: row.userId,
      keyPrefix: row.keyPrefix,
      createdAt: row.createdAt,
      revokedAt: row.revokedAt,
    };
  }
}

@ObjectType('CreateApiKeyPayload')
export class CreateApiKeyPayload {
  @Field({ description: 'The bearer key. Shown once; only its hash is kept.' }) key!: string;
  @Field(() => ApiKeyModel) apiKey!: ApiKeyModel;
}

@ObjectType('AccessKey')
export class AccessKeyModel {
  @Field() accessKeyId!: string;
  @Field() accountId!: string;
  @Field() createdAt!: Date;

  static from(row: Pick<AccessKey, 'accessKeyId' | 'accountId' | 'createdAt'>): AccessKeyModel {
    return { accessKeyId: row.accessKeyId, accountId: row.accountId, createdAt: row.createdAt };
  }
}

@ObjectType('CreateAccessKeyPayload')
export class CreateAccessKeyPayload {
  @Field() accessKeyId!: string;
  @Field({ description: 'Shown once, like AWS does' }) secretAccessKey!: string;
  @Field(() => AccessKeyModel) accessKey!: AccessKeyModel;
}

@InputType()
export class CreateTenantInput {
  @Field() name!: string;
}

@InputType()
export class CreateAccountInput {
  @Field(() => String, {
    nullable: true,
    description: '12 digits; a random unused id when omitted',
  })
  accountId?: string | null;
  @Field(() => String, { nullable: true }) alias?: string | null;
}

@InputType()
export class CreateApiKeyInput {
  @Field(() => String, { nullable: true, description: 'Bind the key to this account' })
  accountId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Bind the key to this user' })
  userId?: string | null;
}

@InputType()
export class CreateAccessKeyInput {
  @Field() accountId!: string;
}

export enum LatencyDistributionEnum {
  FIXED = 'FIXED',
  UNIFORM = 'UNIFORM',
  NORMAL = 'NORMAL',
}
registerEnumType(LatencyDistributionEnum, { name: 'LatencyDistribution' });

@ObjectType('InjectedLatency')
export class InjectedLatencyModel {
  @Field(() => LatencyDistributionEnum) distribution!: LatencyDistribution;
  @Field(() => Int, { nullable: true, description: 'FIXED: the delay' }) ms?: number | null;
  @Field(() => Int, { nullable: true, description: 'UNIFORM: the lower bound' }) minMs?:
    number | null;
  @Field(() => Int, { nullable: true, description: 'UNIFORM: the upper bound' }) maxMs?:
    number | null;
  @Field(() => Int, { nullable: true, description: 'NORMAL: the mean' }) meanMs?: number | null;
  @Field(() => Int, { nullable: true, description: 'NORMAL: the standard deviation' })
  stddevMs?: number | null;
  @Field(() => Int, { nullable: true, description: 'No delay longer (at most 30000)' })
  ceilingMs?: number | null;
}

@ObjectType('FaultRule', {
  description:
    "Faults injected into the AWS edge's answers to the tenant's clients, for the operations the glob names",
})
export class FaultRuleModel {
  @Field({ description: 'A glob of AWS operation names (`*`: any run of letters), e.g. List*' })
  operations!: string;
  @Field(() => InjectedLatencyModel, { nullable: true }) latency?: InjectedLatencyModel | null;
  @Field(() => Float, { nullable: true, description: 'Share answered ThrottlingException' })
  throttlingRate?: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Share answered InternalServerException (HTTP 500)',
  })
  internalErrorRate?: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Share answered ServiceUnavailableException (HTTP 503)',
  })
  unavailableRate?: number | null;
}

@InputType()
export class InjectedLatencyInput {
  @Field(() => LatencyDistributionEnum) distribution!: LatencyDistribution;
  @Field(() => Int, { nullable: true }) ms?: number | null;
  @Field(() => Int, { nullable: true }) minMs?: number | null;
  @Field(() => Int, { nullable: true }) maxMs?: number | null;
  @Field(() => Int, { nullable: true }) meanMs?: number | null;
  @Field(() => Int, { nullable: true }) stddevMs?: number | null;
  @Field(() => Int, { nullable: true }) ceilingMs?: number | null;
}

@InputType()
export class FaultRuleInput {
  @Field() operations!: string;
  @Field(() => InjectedLatencyInput, { nullable: true }) latency?: InjectedLatencyInput | null;
  @Field(() => Float, { nullable: true }) throttlingRate?: number | null;
  @Field(() => Float, { nullable: true }) internalErrorRate?: number | null;
  @Field(() => Float, { nullable: true }) unavailableRate?: number | null;
}

@ObjectType('TenantSettings', { description: "Simulation settings of the caller's tenant" })
export class TenantSettingsModel {
  @Field(() => Int, {
    description: 'Environment account connections per environment account per region (AWS: 1000)',
  })
  connectionQuota!: number;
  @Field(() => Int, {
    description: 'Requests per second one account may make before ThrottlingException',
  })
  requestsPerSecondPerAccount!: number;
  @Field(() => Int, {
    description: 'Lifetime of a CodeCatalyst connection token, in seconds (default 24 hours)',
  })
  connectionTokenTtlSeconds!: number;
  @Field(() => Int, {
    description: 'Connection token look-ups and verifications per minute per caller',
  })
  verificationsPerMinutePerCaller!: number;
  @Field(() => Int, {
    description: 'Connection token look-ups and verifications per minute per tenant',
  })
  verificationsPerMinutePerTenant!: number;
  @Field(() => Int, { description: 'Proton environments per account per region (AWS: 1000)' })
  environmentQuota!: number;
  @Field(() => Int, {
    description: 'Proton environment templates per account per region (AWS: 1000)',
  })
  templateQuota!: number;
  @Field(() => Int, {
    description: 'How long a simulated Proton deployment takes, in milliseconds (default 300)',
  })
  provisioningDelayMs!: number;
  @Field(() => Float, {
    description: 'Share of Proton deployments the worker fails on purpose, from 0 to 1 (default 0)',
  })
  deploymentFailureRate!: number;
  @Field(() => Int, {
    description: 'Deepest selection an operation may have (default 12; at most 30)',
  })
  graphqlMaxDepth!: number;
  @Field(() => Int, { description: 'Aliases an operation may use (default 30; at most 1000)' })
  graphqlMaxAliases!: number;
  @Field(() => Int, {
    description:
      'Cost an operation may have: one per object field, a list field its `first` (default 50) times what it selects (default 5000; at most 1000000)',
  })
  graphqlMaxCost!: number;
  @Field(() => Int, { description: 'IAM roles per account (default 1000, as IAM)' })
  roleQuota!: number;
  @Field(() => Int, { description: 'CodeCatalyst users per tenant (default 10000)' })
  userQuota!: number;
  @Field(() => Int, { description: 'CodeCatalyst spaces per tenant (default 1000)' })
  spaceQuota!: number;
  @Field(() => Int, { description: "Objects of an account's simulated S3 store (default 1000)" })
  bundleObjectQuota!: number;
  @Field(() => Int, {
    description:
      'Connections a CodeCatalyst space holds, whatever their status: replaced and expired requests count until removed (default 1000)',
  })
  accountConnectionQuota!: number;
  @Field(() => Int, {
    description: 'The most accounts one createWorld call may create (default 10000; at most 100000)',
  })
  worldAccountLimit!: number;
  @Field(() => [FaultRuleModel], {
    description:
      "Faults injected into the AWS edge's answers (the first rule whose glob matches the operation applies; none by default)",
  })
  faultInjection!: FaultRuleModel[];
  @Field(() => [String], {
    description:
      "Origins whose browser pages may call the API on this tenant's path /tenants/{id}/ (CORS, and the graphql-ws upgrade), beside the deployment's CORS_ORIGINS (none by default)",
  })
  corsOrigins!: string[];
}

@InputType()
export class UpdateTenantSettingsInput {
  @Field(() => Int, { nullable: true }) connectionQuota?: number | null;
  @Field(() => Int, { nullable: true }) requestsPerSecondPerAccount?: number | null;
  @Field(() => Int, { nullable: true }) connectionTokenTtlSeconds?: number | null;
  @Field(() => Int, { nullable: true }) verificationsPerMinutePerCaller?: number | null;
  @Field(() => Int, { nullable: true }) verificationsPerMinutePerTenant?: number | null;
  @Field(() => Int, { nullable: true }) environmentQuota?: number | null;
  @Field(() => Int, { nullable: true }) templateQuota?: number | null;
  @Field(() => Int, { nullable: true }) provisioningDelayMs?: number | null;
  @Field(() => Float, { nullable: true }) deploymentFailureRate?: number | null;
  @Field(() => Int, { nullable: true }) graphqlMaxDepth?: number | null;
  @Field(() => Int, { nullable: true }) graphqlMaxAliases?: number | null;
  @Field(() => Int, { nullable: true }) graphqlMaxCost?: number | null;
  @Field(() => Int, { nullable: true }) roleQuota?: number | null;
  @Field(() => Int, { nullable: true }) userQuota?: number | null;
  @Field(() => Int, { nullable: true }) spaceQuota?: number | null;
  @Field(() => Int, { nullable: true }) bundleObjectQuota?: number | null;
  @Field(() => Int, { nullable: true }) accountConnectionQuota?: number | null;
  @Field(() => Int, { nullable: true }) worldAccountLimit?: number | null;
  @Field(() => [FaultRuleInput], {
    nullable: true,
    description: 'Replaces the rules (an empty list injects nothing)',
  })
  faultInjection?: FaultRuleInput[] | null;
  @Field(() => [String], {
    nullable: true,
    description:
      'Replaces the allowed origins (scheme, host and optional port, as browsers send Origin; at most 20; an empty list allows none)',
  })
  corsOrigins?: string[] | null;
}
