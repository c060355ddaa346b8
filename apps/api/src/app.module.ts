import { WorldCredentialsController } from './http/world-credentials.controller';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { APP_CONFIG, AppConfig, ConfigModule } from '@accountlink/config';
import { DbModule } from '@accountlink/db';
import { EventsModule, OutboxModule } from '@accountlink/events';
import { IamModule } from '@accountlink/iam';
import { ProtonApiModule } from '@accountlink/proton';
import { CodeCatalystModule } from '@accountlink/codecatalyst';
import { createRedis, JobProducer } from '@accountlink/jobs';
import { Metrics, ObservabilityModule } from '@accountlink/observability';
import {
  AuthService,
  CacheInvalidations,
  CacheInvalidationSyncModule,
  TenancyModule,
  TenantSettingsService,
  ThrottleModule,
} from '@accountlink/tenancy';
import { AwsJsonController } from './aws/aws-json.controller';
import { S3Edge } from './aws/s3-edge';
import { Redis } from 'ioredis';
import { graphqlOptions } from './graphql/graphql.options';
import { ResourceTagsResolver } from './graphql/resource-tags.resolver';
import { HealthController } from './http/health.controller';
import { MetricsController } from './http/metrics.controller';
import { PROBE_REDIS } from './http/probe-redis';
import { RequestShares, RequestSharesModule } from './http/request-shares';

/** The API process: a composition root that owns nothing but wiring. */
@Module({
  imports: [
    ConfigModule,
    ObservabilityModule.forProcess('api'),
    DbModule,
    OutboxModule,
    TenancyModule,
    CacheInvalidationSyncModule,
    IamModule,
    EventsModule,
    ProtonApiModule,
    CodeCatalystModule,
    ThrottleModule,
    RequestSharesModule,
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      imports: [TenancyModule, RequestSharesModule],
      inject: [
        AuthService,
        Metrics,
        TenantSettingsService,
        APP_CONFIG,
        CacheInvalidations,
        RequestShares,
      ],
      useFactory: graphqlOptions,
    }),
  ],
  controllers: [HealthController, MetricsController, AwsJsonController, WorldCredentialsController],
  providers: [
    S3Edge,
    ResourceTagsResolver,
    {
      provide: PROBE_REDIS,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) =>
        createRedis(c.redisUrl, { failFast: true, commandTimeoutMs: 1_000 }),
    },
    {
      provide: JobProducer,
      inject: [PROBE_REDIS, APP_CONFIG],
      useFactory: (redis: Redis, c: AppConfig) => new JobProducer(redis, c.redisPrefix),
    },
  ],
})
export class AppModule implements OnApplicationShutdown {
  constructor(
    @Inject(PROBE_REDIS) private readonly redis: Redis,
    private readonly producer: JobProducer,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.producer.close();
    this.redis.disconnect();
  }
}
