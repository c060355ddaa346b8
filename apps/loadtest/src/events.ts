import { Client } from 'graphql-ws';
import { subscribe, subscriptionClient } from './client/subscriptions';

export interface TenantEvent {
  id: string;
  type: string;
  aggregateId: string;
  payload: string;
}

interface Waiter {
  aggregateId: string;
  match: (event: TenantEvent) => boolean;
  resolve: (event: TenantEvent) => void;
}

/**
 * Every event of the run's tenant, as a tenant administrator's `tenantEvents` subscription
 * delivers it: counted per resource and type (duplicates dropped by event id), and awaited by the
 * flows (a role becoming VALID is awaited here rather than polled).
 */
export class EventLog {
  private readonly byResource = new Map<string, TenantEvent[]>();
  private readonly seen = new Set<string>();
  private waiters: Waiter[] = [];
  private readonly latest = new Map<string, string>();
  private client: Client | null = null;
  private stop: (() => void) | null = null;
  duplicates = 0;
  total = 0;
  lastAt = 0;
  readonly errors: string[] = [];

  async open(url: string, adminKey: string): Promise<void> {
    this.client = subscriptionClient(url, { key: adminKey });
    this.stop = await subscribe<{ tenantEvents: TenantEvent }>(
      this.client,
      'subscription { tenantEvents { id type aggregateId payload } }',
      {},
      (data) => this.add(data.tenantEvents),
      (code) => this.errors.push(code),
    );
  }

  add(event: TenantEvent): void {
    const key = `${event.aggregateId}/${event.id}`;
    if (this.seen.has(key)) {
      this.duplicates++;
      return;
    }
    this.seen.add(key);
    this.total++;
    this.lastAt = Date.now();
    this.latest.set(event.type, event.aggregateId);
    const list = this.byResource.get(event.aggregateId);
    if (list) {
      list.push(event);
    } else {
      this.byResource.set(event.aggregateId, [event]);
    }
    if (this.waiters.length > 0) {
      this.waiters = this.waiters.filter((w) => {
        if (w.aggregateId === event.aggregateId && w.match(event)) {
          w.resolve(event);
          return false;
        }
        return true;
      });
    }
  }

  /** The events of one resource, in arrival order. */
  of(aggregateId: string): readonly TenantEvent[] {
    return this.byResource.get(aggregateId) ?? [];
  }

  /** The resource of the latest event of `type` (e.g. the connection created last); null if none yet. */
  latestOf(type: string): string | null {
    return this.latest.get(type) ?? null;
  }

  /** How many events of `type` the resource has had. */
  countOf(aggregateId: string, type: string): number {
    let n = 0;
    for (const e of this.of(aggregateId)) {
      if (e.type === type) {
        n++;
      }
    }
    return n;
  }

  /** Resolves with the first event of the resource that matches (already received or to come); null after the timeout. */
  waitFor(
    aggregateId: string,
    match: (event: TenantEvent) => boolean,
    timeoutMs: number,
  ): Promise<TenantEvent | null> {
    const found = this.of(aggregateId).find(match);
    if (found) {
      return Promise.resolve(found);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        aggregateId,
        match,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Waits until no event has arrived for `quietMs` (or `maxMs` passed): what was sent has come. */
  async settle(quietMs: number, maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    while (Date.now() < deadline && Date.now() - this.lastAt < quietMs) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async close(): Promise<void> {
    this.stop?.();
    await this.client?.dispose();
  }
}
