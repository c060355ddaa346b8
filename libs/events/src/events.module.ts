import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { createRedis } from '@accountlink/jobs';
import { EventBus } from './event-bus';
import { TenantEventsResolver } from './graphql/tenant-events.resolver';

const SUBSCRIBER = Symbol('EVENT_SUBSCRIBER_REDIS');

/** API side: subscribes to the relayed events and serves GraphQL subscriptions. */
@Module({
  providers: [
    {
      provide: SUBSCRIBER,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => createRedis(c.redisUrl),
    },
    {
      provide: EventBus,
      inject: [SUBSCRIBER, APP_CONFIG],
      useFactory: (redis: ReturnType<typeof createRedis>, c: AppConfig) =>
        new EventBus(redis, c.redisPrefix),
    },
    TenantEventsResolver,
  ],
  exports: [EventBus],
})
export class EventsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly bus: EventBus,
    @Inject(SUBSCRIBER) private readonly subscriber: ReturnType<typeof createRedis>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscriber.disconnect();
  }
}

export const EVENTS_RESOLVERS = [TenantEventsResolver];
