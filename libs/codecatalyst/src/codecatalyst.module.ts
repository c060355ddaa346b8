import { Module } from '@nestjs/common';
import { TenancyModule, ThrottleModule } from '@accountlink/tenancy';
import { AccountConnectionService } from './account-connection.service';
import { AccountConnectionResolver } from './graphql/account-connection.resolver';
import { SpaceResolver } from './graphql/space.resolver';
import { SpaceService } from './space.service';

@Module({
  imports: [TenancyModule, ThrottleModule],
  providers: [SpaceService, AccountConnectionService, SpaceResolver, AccountConnectionResolver],
  exports: [SpaceService, AccountConnectionService],
})
export class CodeCatalystModule {}

export const CODECATALYST_RESOLVERS = [SpaceResolver, AccountConnectionResolver];
