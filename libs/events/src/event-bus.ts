import { Logger } from '@nestjs/common';
import { Principal } from '@accountlink/common';
import { Redis } from 'ioredis';
import { canSeeEvent, EventMessage } from './event-message';
import { eventChannel } from './event-routing';

/**
 * Events a subscription has not taken yet. A subscriber that falls this far behind loses the
 * oldest: the resource's `history` (and the event ids) tell what it missed.
 */
const QUEUE_LIMIT = 1_000;

/**
 * The API side of the backbone: one Redis subscription per API process, fanned out in process to
 * the GraphQL subscriptions. Subscriptions are kept per tenant, so an event is only offered to
 * its tenant's subscribers, and each is filtered there by what its principal may see: no
 * subscription can forget the check.
 */
export class EventBus {
  private readonly logger = new Logger(EventBus.name);
  private readonly byTenant = new Map<string, Set<EventSubscription>>();

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
      this.dispatch(message);
    });
    await this.subscriber.subscribe(eventChannel(this.redisPrefix));
  }

  /** Offers an event to the subscriptions of its tenant (each filters it). */
  dispatch(message: EventMessage): void {
    for (const subscription of this.byTenant.get(message.tenantId) ?? []) {
      subscription.offer(message);
    }
  }

  /**
   * Events the principal may see and `select` accepts. Access is checked here, not by callers, so
   * no subscription can forget it.
   */
  subscribe(principal: Principal, select: (event: EventMessage) => boolean): EventSubscription {
    if (principal.kind === 'OPERATOR') {
      // The operator sees no tenant's events.
      return new EventSubscription(
        () => false,
        () => undefined,
      );
    }
    const tenantId = principal.tenantId;
    let subscriptions = this.byTenant.get(tenantId);
    if (!subscriptions) {
      subscriptions = new Set();
      this.byTenant.set(tenantId, subscriptions);
    }
    const subscription = new EventSubscription(
      (event) => canSeeEvent(principal, event) && select(event),
      () => {
        const set = this.byTenant.get(tenantId);
        set?.delete(subscription);
        if (set?.size === 0) {
          this.byTenant.delete(tenantId);
        }
      },
    );
    subscriptions.add(subscription);
    return subscription;
  }

  /** How many subscriptions this process holds (metrics, tests). */
  get size(): number {
    let n = 0;
    for (const set of this.byTenant.values()) {
      n += set.size;
    }
    return n;
  }
}

/** One subscription's events as an async iterator: filtered as they are offered, queued until taken. */
export class EventSubscription implements AsyncIterableIterator<EventMessage> {
  private readonly queue: EventMessage[] = [];
  private waiting: ((result: IteratorResult<EventMessage>) => void) | null = null;
  private sink: ((event: EventMessage) => void) | null = null;
  private done = false;
  dropped = 0;

  constructor(
    private readonly keep: (event: EventMessage) => boolean,
    private readonly onEnd: () => void,
  ) {}

  offer(event: EventMessage): void {
    if (this.done || !this.keep(event)) {
      return;
    }
    if (this.sink) {
      this.sink(event);
      return;
    }
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ done: false, value: event });
      return;
    }
    this.queue.push(event);
    if (this.queue.length > QUEUE_LIMIT) {
      this.queue.shift();
      this.dropped++;
    }
  }

  /**
   * From now on each event it keeps goes to `sink` as it is offered, in the dispatcher's own turn
   * (no promise per event and subscriber), instead of waiting for `next()`; events queued before
   * go first. The sink must not throw.
   */
  deliverTo(sink: (event: EventMessage) => void): void {
    this.sink = sink;
    for (const event of this.queue.splice(0)) {
      sink(event);
    }
  }

  get ended(): boolean {
    return this.done;
  }

  next(): Promise<IteratorResult<EventMessage>> {
    const event = this.queue.shift();
    if (event) {
      return Promise.resolve({ done: false, value: event });
    }
    if (this.done) {
      return Promise.resolve({ done: true, value: undefined });
    }
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<EventMessage>> {
    if (!this.done) {
      this.done = true;
      this.queue.length = 0;
      this.sink = null;
      this.onEnd();
      this.waiting?.({ done: true, value: undefined });
      this.waiting = null;
    }
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(error?: unknown): Promise<IteratorResult<EventMessage>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<EventMessage> {
    return this;
  }
}
