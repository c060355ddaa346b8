import { Module } from '@nestjs/common';
import { TenancyModule } from '@accountlink/tenancy';
import { SpaceResolver } from './graphql/space.resolver';
import { SpaceService } from './space.service';

@Module({
  imports: [TenancyModule],
  providers: [SpaceService, SpaceResolver],
  exports: [SpaceService],
})
export class CodeCatalystModule {}

export const CODECATALYST_RESOLVERS = [SpaceResolver];
