/** An account acting in a region: who calls every Proton operation, from either edge. */
export interface ProtonCaller {
  tenantId: string;
  accountId: string;
  region: string;
  /** Recorded in history, e.g. "account:111111111111 via AWS API". */
  actor: string;
}

export type { ConnectionRow } from './repositories/connection.repository';
