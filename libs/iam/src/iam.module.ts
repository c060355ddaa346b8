import { Module } from '@nestjs/common';
import { TenancyModule } from '@accountlink/tenancy';
import { RoleResolver } from './graphql/role.resolver';
import { RoleChangeListeners } from './role-change-listeners';
import { RoleService } from './role.service';
import { RoleRepository } from './repositories/role.repository';

@Module({
  imports: [TenancyModule],
  providers: [RoleService, RoleRepository, RoleResolver, RoleChangeListeners],
  exports: [RoleService, RoleRepository, RoleChangeListeners],
})
export class IamModule {}

export const IAM_RESOLVERS = [RoleResolver];
