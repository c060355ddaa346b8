import { Module } from '@nestjs/common';
import { EventsModule } from '@accountlink/events';
import { IamModule } from '@accountlink/iam';
import { TenancyModule, ThrottleModule } from '@accountlink/tenancy';
import { ProtonOperations } from './aws/proton-operations';
import { ConnectionUsage } from './connection-usage';
import { ConnectionService } from './connection.service';
import { ConnectionResolver } from './graphql/connection.resolver';
import { ValidateConnectionRolesHandler } from './jobs/validate-connection-roles.handler';
import { RoleValidationService } from './role-validation.service';
import { TagService } from './tag.service';

const CORE = [ConnectionService, ConnectionUsage, TagService, RoleValidationService];

/** Proton in the worker: the services and the role validation job. */
@Module({
  imports: [TenancyModule, IamModule],
  providers: [...CORE, ValidateConnectionRolesHandler],
  exports: [...CORE, ValidateConnectionRolesHandler],
})
export class ProtonCoreModule {}

/** Proton in the API: both edges over the same services. */
@Module({
  imports: [ProtonCoreModule, TenancyModule, ThrottleModule, EventsModule],
  providers: [ConnectionResolver, ProtonOperations],
  exports: [ProtonOperations, ProtonCoreModule],
})
export class ProtonApiModule {}

export const PROTON_RESOLVERS = [ConnectionResolver];
