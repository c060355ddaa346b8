import type { NextFunction, Request, Response } from 'express';
import { Metrics } from '@accountlink/observability';

const KNOWN_ROUTES = new Set(['/', '/graphql', '/health/live', '/health/ready', '/metrics']);

/** Counts and times every request; unknown paths share one label so cardinality stays bounded. */
export function httpMetricsMiddleware(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const stop = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = KNOWN_ROUTES.has(req.path) ? req.path : 'other';
      stop({ method: req.method, route });
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
