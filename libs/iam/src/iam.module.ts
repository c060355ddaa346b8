import { Module } from '@nestjs/common';
import { TenancyModule } from '@accountlink/tenancy';
import { RoleResolver } from './graphql/role.resolver';
import { RoleChangeListeners } from './role-change-listeners';
import { RoleService } from './role.service';
import { RoleRepository } from './repositories/role.repository';
import { WorldCredentialRepository } from './repositories/world-credential.repository';
import { WorldResolver } from './graphql/world.resolver';
import { WorldService } from './world.service';

@Module({
  imports: [TenancyModule],
  providers: [
    RoleService,
    RoleRepository,
    RoleResolver,
    RoleChangeListeners,
    WorldService,
    WorldCredentialRepository,
    WorldResolver,
  ],
  exports: [
    RoleService,
    RoleRepository,
    RoleChangeListeners,
    WorldService,
    WorldCredentialRepository,
  ],
})
export class IamModule {}

export const IAM_RESOLVERS = [RoleResolver, WorldResolver];
