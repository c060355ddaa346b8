import { Module } from '@nestjs/common';
import { EventsModule } from '@accountlink/events';
import { IamModule } from '@accountlink/iam';
import { TenancyModule, ThrottleModule } from '@accountlink/tenancy';
import { AccountConnectionService } from './account-connection.service';
import { BillingService } from './billing.service';
import { ConnectionRoleService } from './connection-role.service';
import { ConnectionTagService } from './connection-tag.service';
import { AccountConnectionResolver } from './graphql/account-connection.resolver';
import { SpaceResolver } from './graphql/space.resolver';
import { ValidateConnectionRoleHandler } from './jobs/validate-connection-role.handler';
import { CODECATALYST_REPOSITORIES } from './repositories';
import { SpaceService } from './space.service';

const CORE = [SpaceService, AccountConnectionService, ConnectionRoleService, BillingService];

/** CodeCatalyst in the worker: the services and the role validation job. */
@Module({
  imports: [TenancyModule, IamModule],
  providers: [...CORE, ...CODECATALYST_REPOSITORIES, ValidateConnectionRoleHandler],
  exports: [...CORE, ...CODECATALYST_REPOSITORIES, ValidateConnectionRoleHandler],
})
export class CodeCatalystCoreModule {}

/** CodeCatalyst in the API: the GraphQL edge. */
@Module({
  imports: [CodeCatalystCoreModule, TenancyModule, ThrottleModule, EventsModule],
  providers: [SpaceResolver, AccountConnectionResolver, ConnectionTagService],
  exports: [ConnectionTagService],
})
export class CodeCatalystModule {}

export const CODECATALYST_RESOLVERS = [SpaceResolver, AccountConnectionResolver];
