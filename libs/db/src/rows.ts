import type { Selectable } from 'kysely';
import type * as T from './generated/kysely/types';

/**
 * Rows as the runtime reads them (timestamps as Date, bigint ids as strings, JSON parsed), one
 * type per table, generated from schema.prisma through prisma-kysely.
 */
export type Tenant = Selectable<T.Tenant>;
export type Account = Selectable<T.Account>;
export type Role = Selectable<T.Role>;
export type ApiKey = Selectable<T.ApiKey>;
export type AccessKey = Selectable<T.AccessKey>;
export type OutboxEvent = Selectable<T.OutboxEvent>;
export type EnvironmentAccountConnection = Selectable<T.EnvironmentAccountConnection>;
export type ConnectionRoleValidation = Selectable<T.ConnectionRoleValidation>;
export type ConnectionTransition = Selectable<T.ConnectionTransition>;
export type ResourceTag = Selectable<T.ResourceTag>;
export type User = Selectable<T.User>;
export type Space = Selectable<T.Space>;
export type SpaceMember = Selectable<T.SpaceMember>;
export type AccountConnection = Selectable<T.AccountConnection>;
export type AccountConnectionTransition = Selectable<T.AccountConnectionTransition>;
export type ConnectionIamRole = Selectable<T.ConnectionIamRole>;
export type BundleObject = Selectable<T.BundleObject>;
export type EnvironmentTemplate = Selectable<T.EnvironmentTemplate>;
export type EnvironmentTemplateVersion = Selectable<T.EnvironmentTemplateVersion>;
export type Environment = Selectable<T.Environment>;
export type Deployment = Selectable<T.Deployment>;
export type Stack = Selectable<T.Stack>;
export type ProtonAccountSettings = Selectable<T.ProtonAccountSettings>;
