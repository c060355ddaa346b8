/**
 * Proton's repositories.
 *
 * Lock order (every transaction takes its locks in this order, so none can wait in a cycle):
 * 1. the advisory lock of an account and region for creates (`eac|…`, `env|…`, `tpl|…`), taken
 *    with the tenant when the transaction opens;
 * 2. the environment row (FOR UPDATE: update, delete, cancel, a deployment finishing, tags);
 * 3. the template row and then its version row (FOR UPDATE to change the template or its
 *    versions, FOR SHARE while an environment is created or updated on it);
 * 4. connection rows, in id order when there are several (FOR UPDATE to reject, tag or
 *    revalidate; FOR SHARE while an environment is created or updated through one).
 * An environment create or update share-locks the template and the connection in either order,
 * which is safe: share locks do not conflict with each other, and no transaction that locks a
 * template FOR UPDATE locks a connection, nor the other way round.
 */
import { AccountSettingsRepository } from './account-settings.repository';
import { BundleRepository } from './bundle.repository';
import { ConnectionRepository } from './connection.repository';
import { DeploymentRepository } from './deployment.repository';
import { EnvironmentRepository } from './environment.repository';
import { StackRepository } from './stack.repository';
import { TemplateVersionRepository } from './template-version.repository';
import { TemplateRepository } from './template.repository';

export * from './account-settings.repository';
export * from './bundle.repository';
export * from './connection.repository';
export * from './deployment.repository';
export * from './environment.repository';
export * from './stack.repository';
export * from './template-version.repository';
export * from './template.repository';

export const PROTON_REPOSITORIES = [
  AccountSettingsRepository,
  BundleRepository,
  ConnectionRepository,
  DeploymentRepository,
  EnvironmentRepository,
  StackRepository,
  TemplateRepository,
  TemplateVersionRepository,
];
