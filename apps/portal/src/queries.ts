/** The GraphQL documents the portal sends: the public API, nothing else. */

export const ME = '{ me { kind user { id name } account { accountId } tenant { name } } }';

const CONNECTION = `id accountId displayName description status createdAt verifiedAt expiresAt
  paidTiersAuthorized spaceId roles { roleArn validation { status reason checkedAt } }`;

export interface ConnectionRole {
  roleArn: string;
  validation: { status: string; reason: string | null; checkedAt: string | null };
}

export interface Connection {
  id: string;
  accountId: string;
  displayName: string;
  description: string | null;
  status: 'PENDING_VERIFICATION' | 'VERIFIED' | 'REJECTED' | 'EXPIRED';
  createdAt: string;
  verifiedAt: string | null;
  expiresAt: string;
  paidTiersAuthorized: boolean;
  spaceId: string;
  roles: ConnectionRole[];
}

export interface SpaceSummary {
  id: string;
  name: string;
  region: string;
  tier: string;
}

export const SPACES = '{ spaces(first: 100) { edges { node { id name region tier } } } }';

export interface SpaceDetail extends SpaceSummary {
  members: { role: string; user: { id: string } }[];
  billingConnection: { id: string } | null;
  accountConnections: { edges: { node: Connection }[] };
}

export const SPACE = `query($id: ID!) {
  space(id: $id) {
    id name region tier
    members { role user { id } }
    billingConnection { id }
    accountConnections(first: 100) { edges { node { ${CONNECTION} } } }
  }
  pendingAccountConnections(spaceId: $id, first: 100) { edges { node { ${CONNECTION} } } }
}`;

export const SPACE_CHANGED = `subscription($spaceId: ID!) {
  accountConnectionChanged(spaceId: $spaceId) { eventId kind }
}`;

export const REQUEST = `mutation($input: RequestAccountConnectionInput!) {
  requestAccountConnection(input: $input) { token connection { id } }
}`;

export const SET_BILLING = `mutation($input: SetSpaceBillingConnectionInput!) {
  setSpaceBillingConnection(input: $input) { id }
}`;

export const UPDATE_TIER = `mutation($input: UpdateSpaceTierInput!) {
  updateSpaceTier(input: $input) { id tier }
}`;

export const REMOVE = `mutation($id: ID!) { deleteAccountConnection(connectionId: $id) { id } }`;

export interface PendingConnection {
  spaceName: string;
  displayName: string;
  description: string | null;
  accountId: string;
  expiresAt: string;
}

export const PENDING = `query($token: String!) {
  pendingAccountConnection(token: $token) { spaceName displayName description accountId expiresAt }
}`;

export const ACCEPT = `mutation($input: AcceptAccountConnectionInput!) {
  acceptAccountConnection(input: $input) { id }
}`;

export const REJECT = `mutation($input: RejectAccountConnectionInput!) {
  rejectAccountConnection(input: $input) { id }
}`;

export const CONNECTION_QUERY = `query($id: ID!) { accountConnection(id: $id) { ${CONNECTION} } }`;

export const ACCOUNT_CONNECTIONS = `{ accountConnections(first: 100) { edges { node { ${CONNECTION} } } } }`;

export const CONNECTION_CHANGED = `subscription($id: ID!) {
  accountConnectionChanged(connectionId: $id) { eventId kind }
}`;

export const ADD_ROLE = `mutation($input: ConnectionRoleInput!) {
  associateIamRoleToConnection(input: $input) { roleArn }
}`;

export const REMOVE_ROLE = `mutation($input: ConnectionRoleInput!) {
  disassociateIamRoleFromConnection(input: $input) { roleArn }
}`;
