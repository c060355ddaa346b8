import type { NextFunction, Request, Response } from 'express';
import { Metrics } from '@accountlink/observability';

const KNOWN_ROUTES = new Set(['/', '/graphql', '/health/live', '/health/ready', '/metrics']);

/** Counts and times every request; unknown paths share one label so cardinality stays bounded. */
export function httpMetricsMiddleware(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const stop = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      // originalUrl: routers mounted under a path (Apollo at /graphql) rewrite req.path.
      const path = req.originalUrl.split('?')[0] ?? '';
      // An edge that answers outside Nest's routes names itself (the S3 endpoint: 's3').
      const named = res.locals['metricsRoute'] as string | undefined;
      const route = named ?? (KNOWN_ROUTES.has(path) ? path : 'other');
      stop({ method: req.method, route });
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
