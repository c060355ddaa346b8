import { ErrorCode } from '@accountlink/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Refuses a GraphQL document longer than `maxBytes` before anything parses it, in GraphQL's own
 * error shape (the body parser has already bounded the whole request at 1 MB). One limit for all
 * tenants: it is decided before the request's key is looked at, so a refusal costs nothing.
 */
export function graphqlDocumentLimit(maxBytes: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const query: unknown = req.method === 'POST' ? req.body?.query : req.query?.query;
    // A UTF-16 code unit is at most three bytes of UTF-8: shorter documents need no count.
    if (typeof query === 'string' && query.length > maxBytes / 3) {
      const bytes = Buffer.byteLength(query);
      if (bytes > maxBytes) {
        res.status(400).json({
          errors: [
            {
              message: `The GraphQL document is ${bytes} bytes; at most ${maxBytes} are allowed (GRAPHQL_MAX_DOCUMENT_BYTES)`,
              extensions: {
                code: ErrorCode.QUERY_LIMIT_EXCEEDED,
                limit: 'documentBytes',
                max: maxBytes,
                actual: bytes,
              },
            },
          ],
        });
        return;
      }
    }
    next();
  };
}
