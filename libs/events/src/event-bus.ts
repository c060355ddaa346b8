import { Logger } from '@nestjs/common';
import { Principal } from '@accountlink/common';
import { PubSub } from 'graphql-subscriptions';
import { Redis } from 'ioredis';
import { canSeeEvent, EventMessage } from './event-message';
import { eventChannel } from './event-routing';

const TRIGGER = 'events';

/**
 * The API side of the backbone: one Redis subscription per API instance, fanned out in process to
 * the GraphQL subscriptions. Every iterator is filtered by what its principal may see.
 */
export class EventBus {
  private readonly logger = new Logger(EventBus.name);
  private readonly pubsub = new PubSub<Record<string, EventMessage>>();

  constructor(
    private readonly subscriber: Redis,
    private readonly redisPrefix: string,
  ) {}

  async start(): Promise<void> {
    this.subscriber.on('message', (_channel: string, raw: string) => {
      let message: EventMessage;
      try {
        message = JSON.parse(raw) as EventMessage;
      } catch {
        this.logger.warn('dropped an unparseable event message');
        return;
      }
      void this.pubsub.publish(TRIGGER, message);
    });
    await this.subscriber.subscribe(eventChannel(this.redisPrefix));
  }

  /**
   * Events the principal may see and `select` accepts. Access is checked here, not by callers, so
   * no subscription can forget it.
   */
  subscribe(
    principal: Principal,
    select: (event: EventMessage) => boolean,
  ): AsyncIterableIterator<EventMessage> {
    const source = this.pubsub.asyncIterableIterator<EventMessage>(TRIGGER);
    return filterIterator(source, (event) => canSeeEvent(principal, event) && select(event));
  }
}

function filterIterator<T>(
  source: AsyncIterableIterator<T>,
  keep: (value: T) => boolean,
): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        const result = await source.next();
        if (result.done || keep(result.value)) {
          return result;
        }
      }
    },
    return: (value?: unknown) =>
      source.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
    throw: (error?: unknown) => source.throw?.(error) ?? Promise.reject(error),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
