import { Module } from '@nestjs/common';
import { TenancyModule } from '@accountlink/tenancy';
import { RoleResolver } from './graphql/role.resolver';
import { RoleChangeListeners } from './role-change-listeners';
import { RoleService } from './role.service';

@Module({
  imports: [TenancyModule],
  providers: [RoleService, RoleResolver, RoleChangeListeners],
  exports: [RoleService, RoleChangeListeners],
})
export class IamModule {}

export const IAM_RESOLVERS = [RoleResolver];
