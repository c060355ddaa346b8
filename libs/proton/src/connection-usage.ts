import { Injectable } from '@nestjs/common';
import { AppError } from '@accountlink/common';
import type { Tx } from '@accountlink/db';
import type { ConnectionRow } from './proton-caller';

/**
 * "Is an environment using this connection?" Rejecting such a connection is refused. The
 * connection row is locked first: an environment being created through it holds a share lock,
 * so the rejection waits for it and then counts it.
 */
@Injectable()
export class ConnectionUsage {
  async assertNotInUse(tx: Tx, connection: ConnectionRow): Promise<void> {
    await tx.$executeRaw`SELECT 1 FROM "environment_account_connections" WHERE "id" = ${connection.id}::uuid FOR UPDATE`;
    const users = await tx.environment.findMany({
      where: { tenantId: connection.tenantId, environmentAccountConnectionId: connection.id },
      select: { name: true },
      take: 5,
    });
    if (users.length > 0) {
      throw AppError.conflict(
        `Environment account connection ${connection.id} is used by environment ${users.map((u) => u.name).join(', ')}; delete the environment first`,
      );
    }
  }
}
