import { LRUCache } from 'lru-cache';

/**
 * Fixed-window counters kept in this process: what the throttle counts with while Redis is
 * unreachable. The windows are the shared limiter's (the same key and window number), so a
 * request is counted the same way whichever limiter decides it; entries end with their window.
 */
export class LocalWindows {
  private readonly counts: LRUCache<string, { n: number }>;

  constructor(max = 100_000) {
    this.counts = new LRUCache({ max, ttlAutopurge: false });
  }

  /** Counts one hit of `key` (a window's key) kept for `ttlMs`; returns the window's count. */
  hit(key: string, ttlMs: number): number {
    const entry = this.counts.get(key);
    if (entry) {
      entry.n += 1;
      return entry.n;
    }
    this.counts.set(key, { n: 1 }, { ttl: ttlMs });
    return 1;
  }

  get size(): number {
    return this.counts.size;
  }
}

/** One process's share of a shared limit while the processes count apart: at least 1. */
export function localShare(limit: number, processes: number): number {
  return Math.max(1, Math.floor(limit / Math.max(1, processes)));
}
