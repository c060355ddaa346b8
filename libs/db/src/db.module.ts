import { Global, Module } from '@nestjs/common';
import { Database } from './database';
import { HealthRepository } from './repositories/health.repository';
import { ResourceTagRepository } from './repositories/resource-tag.repository';

@Global()
@Module({
  providers: [Database, ResourceTagRepository, HealthRepository],
  exports: [Database, ResourceTagRepository, HealthRepository],
})
export class DbModule {}
