import type { TenantPrincipal } from '@accountlink/common';
import type { RowLock, SpaceRole, Tx } from '@accountlink/db';
import { canSeeConnection } from './domain/connection-rules';
import {
  AccountConnectionRepository,
  AccountConnectionRow,
} from './repositories/account-connection.repository';

/**
 * The connection if this principal may see it, with the principal's role in its space (users),
 * read in the caller's transaction in one query; null for anything it may not see. With `lock`,
 * the connection row is locked as well.
 */
export async function findVisibleConnection(
  connections: AccountConnectionRepository,
  tx: Tx,
  principal: TenantPrincipal,
  id: string,
  lock: RowLock | null = null,
): Promise<{ connection: AccountConnectionRow; memberRole: SpaceRole | null } | null> {
  const found = await connections.findWithMemberRole(
    tx,
    principal.tenantId,
    id,
    principal.kind === 'USER' ? principal.userId : null,
    lock,
  );
  return found && canSeeConnection(principal, found.connection, found.memberRole) ? found : null;
}
