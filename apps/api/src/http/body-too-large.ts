import { ErrorCode } from '@accountlink/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * A request body over the body parser's limit, answered in the caller's protocol instead of
 * Express's HTML page: an AWS JSON error on the AWS edge, a GraphQL error on /graphql (413).
 */
export function bodyTooLarge(graphqlLimit: number, awsLimit: number) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    if ((error as { type?: string })?.type !== 'entity.too.large') {
      next(error);
      return;
    }
    if (req.path === '/graphql') {
      res.status(413).json({
        errors: [
          {
            message: `The request body is larger than ${graphqlLimit} bytes`,
            extensions: {
              code: ErrorCode.QUERY_LIMIT_EXCEEDED,
              limit: 'bodyBytes',
              max: graphqlLimit,
            },
          },
        ],
      });
      return;
    }
    res
      .status(413)
      .setHeader('x-amzn-errortype', 'ValidationException')
      .type('application/x-amz-json-1.0')
      .send(
        JSON.stringify({
          __type: 'ValidationException',
          message: `The request body is larger than ${awsLimit} bytes`,
        }),
      );
  };
}
