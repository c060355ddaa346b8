/**
 * How many of a shared resource's slots one tenant may hold at once (a database pool's
 * connections, an API process's requests in progress). A tenant at its share waits for one of
 * its own to end, in its own first-in-first-out line, and not in the resource's: so however much
 * one tenant sends, the rest stays free for the others, and a light tenant never queues behind a
 * heavy tenant's backlog.
 */
export class TenantShares {
  private readonly tenants = new Map<string, { active: number; waiting: (() => void)[] }>();

  constructor(readonly share: number) {
    if (!Number.isInteger(share) || share < 1) {
      throw new Error('a tenant share is at least one connection');
    }
  }

  /** Resolves when the tenant may take a connection; call the release it gives exactly once. */
  acquire(tenantId: string): Promise<() => void> | (() => void) {
    let tenant = this.tenants.get(tenantId);
    if (!tenant) {
      tenant = { active: 0, waiting: [] };
      this.tenants.set(tenantId, tenant);
    }
    const entry = tenant;
    const release = (): void => {
      const next = entry.waiting.shift();
      if (next) {
        // The slot passes to the next of the same tenant: `active` stays as it is.
        next();
        return;
      }
      entry.active -= 1;
      if (entry.active === 0) {
        this.tenants.delete(tenantId);
      }
    };
    if (entry.active < this.share) {
      entry.active += 1;
      return once(release);
    }
    return new Promise((resolve) => entry.waiting.push(() => resolve(once(release))));
  }

  /** Transactions of the tenant running and waiting (tests, metrics). */
  load(tenantId: string): { active: number; waiting: number } {
    const tenant = this.tenants.get(tenantId);
    return { active: tenant?.active ?? 0, waiting: tenant?.waiting.length ?? 0 };
  }
}

/** A function that runs `run` the first time it is called, and does nothing after. */
export function once(run: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      run();
    }
  };
}
