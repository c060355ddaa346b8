import { Client, createClient } from 'graphql-ws';

/**
 * The portal's whole use of AccountLink: GraphQL over HTTP and graphql-ws, with an API key. A
 * partner's portal on another origin sets VITE_ACCOUNTLINK_URL at build time to its tenant's
 * path, https://…/tenants/<tenantId> (and lists its origin in the tenant's corsOrigins setting);
 * served by the API itself, the portal calls its own origin.
 */
const API_URL: string = (import.meta.env['VITE_ACCOUNTLINK_URL'] as string | undefined) ?? '';

export interface Session {
  key: string;
  /** The region requests are made in (x-aws-region): a space's, for the account side. */
  region?: string;
}

/** A GraphQL error as the API reports it: its code (extensions.code) and message. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; field?: string };
}

function headers(session: Session | null): Record<string, string> {
  return {
    'content-type': 'application/json',
    ...(session ? { authorization: `Bearer ${session.key}` } : {}),
    ...(session?.region ? { 'x-aws-region': session.region } : {}),
  };
}

function firstError(errors: GraphQLErrorBody[]): ApiError {
  const [error] = errors;
  return new ApiError(
    error?.extensions?.code ?? 'ERROR',
    error?.message ?? 'The request failed',
    error?.extensions?.field,
  );
}

/** One GraphQL operation: its data, or the first error as an ApiError. */
export async function request<T>(
  session: Session | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${API_URL}/graphql`, {
      method: 'POST',
      headers: headers(session),
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError('NETWORK', 'AccountLink could not be reached');
  }
  let body: { data?: T | null; errors?: GraphQLErrorBody[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ApiError(`HTTP_${response.status}`, `The server answered ${response.status}`);
  }
  if (body.errors?.length) {
    throw firstError(body.errors);
  }
  if (!body.data) {
    throw new ApiError('ERROR', 'The server sent no data');
  }
  return body.data;
}

function wsUrl(): string {
  const base = API_URL || window.location.origin;
  return `${base.replace(/^http/, 'ws')}/graphql`;
}

let socket: { client: Client; key: string; connected: boolean; waiting: (() => void)[] } | null =
  null;

/** One graphql-ws connection per signed-in key, shared by every subscription of the page. */
function client(session: Session): NonNullable<typeof socket> {
  const id = `${session.key}|${session.region ?? ''}`;
  if (socket?.key !== id) {
    closeSubscriptions();
    const opened: NonNullable<typeof socket> = {
      key: id,
      connected: false,
      waiting: [],
      client: createClient({
        url: wsUrl(),
        connectionParams: {
          authorization: `Bearer ${session.key}`,
          ...(session.region ? { 'x-aws-region': session.region } : {}),
        },
        retryAttempts: 5,
      }),
    };
    opened.client.on('connected', () => {
      opened.connected = true;
      opened.waiting.splice(0).forEach((ready) => ready());
    });
    opened.client.on('closed', () => {
      opened.connected = false;
    });
    socket = opened;
  }
  return socket;
}

/**
 * Subscribes; `onEvent` for every event, `onError` if the subscription fails, `onLive` once the
 * socket is acknowledged (the page says so).
 */
export function subscribe<T>(
  session: Session,
  query: string,
  variables: Record<string, unknown>,
  onEvent: (data: T) => void,
  onError: (error: ApiError) => void,
  onLive: () => void = () => undefined,
): () => void {
  const shared = client(session);
  if (shared.connected) {
    onLive();
  } else {
    shared.waiting.push(onLive);
  }
  return shared.client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors?.length) {
          onError(firstError(value.errors as GraphQLErrorBody[]));
        } else if (value.data) {
          onEvent(value.data as T);
        }
      },
      error: () => onError(new ApiError('NETWORK', 'The live connection to AccountLink closed')),
      complete: () => undefined,
    },
  );
}

/** Closes the shared socket (sign-out). */
export function closeSubscriptions(): void {
  if (socket) {
    void socket.client.dispose();
    socket = null;
  }
}
