import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ConfigModule } from '@accountlink/config';
import { DbModule, SystemDatabase } from '@accountlink/db';
import { OutboxModule, OutboxRelay, OutboxRepository } from '@accountlink/events';
import { IamModule, RoleChangedHandler } from '@accountlink/iam';
import { createRedis, JOB_HANDLERS, JobHandler, JobProducer } from '@accountlink/jobs';
import { ObservabilityModule } from '@accountlink/observability';
import {
  DeployEnvironmentHandler,
  ProtonCoreModule,
  RegisterTemplateVersionHandler,
  ValidateConnectionRolesHandler,
} from '@accountlink/proton';
import { CodeCatalystCoreModule, ValidateConnectionRoleHandler } from '@accountlink/codecatalyst';
import { Redis } from 'ioredis';
import { JobRunner } from './job-runner';
import { OutboxPurgeHandler } from './outbox-purge.handler';
import { PurgeWorldCredentialsHandler } from './purge-world-credentials.handler';
import { ExpireConnectionsHandler } from './expire-connections.handler';
import { SweepStuckWorkHandler } from './sweep-stuck-work.handler';
import { WORKER_REDIS } from './tokens';

/** Every job handler the worker mounts; JobRunner refuses to start unless each job has one. */
export const HANDLERS = [
  RoleChangedHandler,
  OutboxPurgeHandler,
  ValidateConnectionRolesHandler,
  ExpireConnectionsHandler,
  ValidateConnectionRoleHandler,
  RegisterTemplateVersionHandler,
  DeployEnvironmentHandler,
  SweepStuckWorkHandler,
  PurgeWorldCredentialsHandler,
];

@Module({
  imports: [
    ConfigModule,
    ObservabilityModule.forProcess('worker'),
    DbModule,
    OutboxModule,
    IamModule,
    ProtonCoreModule,
    CodeCatalystCoreModule,
  ],
  providers: [
    // Proton's and CodeCatalyst's handlers come with their core modules; these are the worker's own.
    RoleChangedHandler,
    OutboxPurgeHandler,
    ExpireConnectionsHandler,
    SweepStuckWorkHandler,
    PurgeWorldCredentialsHandler,
    {
      provide: JOB_HANDLERS,
      inject: HANDLERS,
      useFactory: (...handlers: JobHandler[]) => handlers,
    },
    {
      // The owner connection, for the system work across tenants (relay, purge, sweeps).
      provide: SystemDatabase,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => new SystemDatabase(c.databaseUrl, 3),
    },
    {
      provide: WORKER_REDIS,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => createRedis(c.redisUrl, { failFast: true }),
    },
    {
      provide: JobProducer,
      inject: [WORKER_REDIS, APP_CONFIG],
      useFactory: (redis: Redis, c: AppConfig) => new JobProducer(redis, c.redisPrefix),
    },
    {
      provide: OutboxRelay,
      inject: [SystemDatabase, OutboxRepository, JobProducer, WORKER_REDIS, APP_CONFIG],
      useFactory: (
        system: SystemDatabase,
        outbox: OutboxRepository,
        producer: JobProducer,
        redis: Redis,
        c: AppConfig,
      ) =>
        new OutboxRelay(
          system,
          outbox,
          producer,
          redis,
          c.redisPrefix,
          c.outboxPollMs,
          c.outboxBatchMs,
        ),
    },
    JobRunner,
  ],
})
export class WorkerModule implements OnApplicationShutdown {
  constructor(
    private readonly system: SystemDatabase,
    @Inject(WORKER_REDIS) private readonly redis: Redis,
  ) {}

  /** Runs after JobRunner's shutdown (modules close in reverse order), when nothing uses them. */
  async onApplicationShutdown(): Promise<void> {
    await this.system.destroy();
    this.redis.disconnect();
  }
}
