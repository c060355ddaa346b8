import { Module } from '@nestjs/common';
import { EventsModule } from '@accountlink/events';
import { IamModule } from '@accountlink/iam';
import { TenancyModule, ThrottleModule } from '@accountlink/tenancy';
import { ProtonOperations } from './aws/proton-operations';
import { ConnectionUsage } from './connection-usage';
import { ConnectionService } from './connection.service';
import { ConnectionResolver } from './graphql/connection.resolver';
import { EnvironmentResolver, EnvironmentTemplateResolver } from './graphql/environment.resolver';
import { ValidateConnectionRolesHandler } from './jobs/validate-connection-roles.handler';
import { RoleValidationService } from './role-validation.service';
import { TagService } from './tag.service';
import { TemplateService } from './template.service';
import { TemplateVersionService } from './template-version.service';
import { TemplateRegistrationService } from './template-registration.service';
import { TemplateAccess } from './template-access';
import { PROTON_REPOSITORIES } from './repositories';
import { EnvironmentService } from './environment.service';
import { EnvironmentResourcesService } from './environment-resources.service';
import { AccountSettingsService } from './account-settings.service';
import { DeploymentRunner } from './deployment-runner.service';
import { BundleService } from './bundle.service';
import { StackService } from './stack.service';
import {
  DeployEnvironmentHandler,
  RegisterTemplateVersionHandler,
} from './jobs/environment-jobs.handler';

const CORE = [
  ConnectionService,
  ConnectionUsage,
  TagService,
  RoleValidationService,
  TemplateService,
  TemplateVersionService,
  TemplateRegistrationService,
  TemplateAccess,
  EnvironmentService,
  EnvironmentResourcesService,
  AccountSettingsService,
  DeploymentRunner,
  BundleService,
  StackService,
];
const HANDLERS = [
  ValidateConnectionRolesHandler,
  RegisterTemplateVersionHandler,
  DeployEnvironmentHandler,
];

/** Proton in the worker: the services and the role validation job. */
@Module({
  imports: [TenancyModule, IamModule],
  providers: [...CORE, ...PROTON_REPOSITORIES, ...HANDLERS],
  exports: [...CORE, ...PROTON_REPOSITORIES, ...HANDLERS],
})
export class ProtonCoreModule {}

/** Proton in the API: both edges over the same services. */
@Module({
  imports: [ProtonCoreModule, TenancyModule, ThrottleModule, EventsModule],
  providers: [
    ConnectionResolver,
    EnvironmentTemplateResolver,
    EnvironmentResolver,
    ProtonOperations,
  ],
  exports: [ProtonOperations, ProtonCoreModule],
})
export class ProtonApiModule {}

export const PROTON_RESOLVERS = [
  ConnectionResolver,
  EnvironmentTemplateResolver,
  EnvironmentResolver,
];
