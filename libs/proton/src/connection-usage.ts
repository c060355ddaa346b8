import { Injectable } from '@nestjs/common';
import type { Tx } from '@accountlink/db';
import type { ConnectionRow } from './proton-caller';

/**
 * "Is an environment using this connection?" Rejecting such a connection is refused. Proton
 * environments do not exist yet in AccountLink, so nothing uses a connection; the environments
 * feature replaces this check with a real lookup.
 */
@Injectable()
export class ConnectionUsage {
  async assertNotInUse(_tx: Tx, _connection: ConnectionRow): Promise<void> {
    return;
  }
}
