import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { NextFunction, Request, Response } from 'express';

/**
 * The reference partner portal (apps/portal, built by Vite into dist/apps/portal), served at
 * /portal/. Its pages run no inline script and load nothing from another origin: the
 * Content-Security-Policy says so to the browser.
 */
export const PORTAL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The built portal beside the built API (dist/apps/api/src → dist/apps/portal). */
export const PORTAL_DIR = join(__dirname, '..', '..', '..', 'portal');

function secure(res: Response): void {
  res.setHeader('content-security-policy', PORTAL_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
}

/**
 * Static files of the portal, and its page for every route of it (`/portal/verify`,
 * `/portal/spaces/…`): the app routes in the browser. Not built: a 404 saying how to build it.
 */
export function portal(dir = PORTAL_DIR) {
  const indexFile = join(dir, 'index.html');
  const built = existsSync(indexFile);
  const page = built ? readFileSync(indexFile) : null;
  const files = express.static(dir, {
    index: false,
    fallthrough: true,
    redirect: false,
    setHeaders: (res, path) => {
      secure(res as Response);
      // Vite names assets by their content hash: they never change.
      if (path.startsWith(join(dir, 'assets'))) {
        res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      }
    },
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next();
      return;
    }
    // Mounted at /portal: "/portal" itself goes to "/portal/", where the app's relative URLs work.
    if (req.originalUrl.split('?')[0] === '/portal') {
      res.redirect(301, '/portal/');
      return;
    }
    if (!page) {
      res.status(404).type('text/plain').send('The portal is not built: run npx nx build portal\n');
      return;
    }
    files(req, res, () => {
      if (req.path.startsWith('/assets/')) {
        res.status(404).type('text/plain').send('Not found\n');
        return;
      }
      secure(res);
      res.setHeader('cache-control', 'no-cache');
      res.status(200).type('text/html').send(page);
    });
  };
}
