import http from 'node:http';
import https from 'node:https';

/** A GraphQL error as the API answers it: its message and `extensions.code`. */
export class GraphqlError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'GraphqlError';
  }
}

export interface GraphqlCaller {
  /** The API key the request carries (Bearer). */
  key: string;
  /** x-aws-region; the API's default region when absent. */
  region?: string;
}

/**
 * GraphQL over HTTP with keep-alive sockets (node:http, not fetch: the load generator shares the
 * cores with what it measures). Resolves `data`; rejects with a GraphqlError carrying the first
 * error's code, or `HTTP_<status>` when the answer is not GraphQL.
 */
export class GraphqlClient {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  constructor(baseUrl: string) {
    this.url = new URL('/graphql', baseUrl);
    this.transport = this.url.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: 1024 });
  }

  request<T>(query: string, variables: Record<string, unknown>, caller: GraphqlCaller): Promise<T> {
    const body = JSON.stringify({ query, variables });
    return new Promise<T>((resolve, reject) => {
      const req = this.transport.request(
        this.url,
        {
          agent: this.agent,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${caller.key}`,
            ...(caller.region ? { 'x-aws-region': caller.region } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: {
              data?: T;
              errors?: { message: string; extensions?: Record<string, unknown> }[];
            };
            try {
              parsed = JSON.parse(text);
            } catch {
              reject(new GraphqlError(`HTTP_${res.statusCode}`, text.slice(0, 200)));
              return;
            }
            const first = parsed.errors?.[0];
            if (first) {
              const code =
                typeof first.extensions?.code === 'string' ? first.extensions.code : 'UNKNOWN';
              reject(new GraphqlError(code, first.message, first.extensions));
            } else {
              resolve(parsed.data as T);
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
