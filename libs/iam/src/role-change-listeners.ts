import { Injectable } from '@nestjs/common';
import type { Role, Tx } from '@accountlink/db';

export interface RoleChange {
  tenantId: string;
  accountId: string;
  roleArn: string;
  /** The role as it is now; null when it was deleted. */
  role: Role | null;
}

/** A feature that depends on roles (connection role validation, ...) reacts to their changes. */
export type RoleChangeListener = (tx: Tx, change: RoleChange) => Promise<void>;

/**
 * Features register here at module init; the role-changed job calls each one. Kept as a registry
 * rather than a hard-wired call so that IAM does not depend on the features built on top of it.
 */
@Injectable()
export class RoleChangeListeners {
  private readonly listeners: { name: string; listener: RoleChangeListener }[] = [];

  register(name: string, listener: RoleChangeListener): void {
    this.listeners.push({ name, listener });
  }

  list(): readonly { name: string; listener: RoleChangeListener }[] {
    return this.listeners;
  }
}
