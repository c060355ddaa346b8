import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { NextFunction, Request, Response } from 'express';

/**
 * GraphiQL at GET /graphql for a browser (Accept: text/html, no query), served from node_modules:
 * no CDN, since users may be offline. The page has no inline script, and its Content-Security-
 * Policy lets it load and call nothing but this API.
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: 'react/umd/react.production.min.js', type: 'application/javascript' },
  'react-dom.js': {
    file: 'react-dom/umd/react-dom.production.min.js',
    type: 'application/javascript',
  },
  'graphiql.js': { file: 'graphiql/graphiql.min.js', type: 'application/javascript' },
  'graphiql.css': { file: 'graphiql/graphiql.min.css', type: 'text/css' },
};

export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // GraphiQL's editors set style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>AccountLink GraphQL explorer</title>
<link rel="stylesheet" href="/graphql/explorer/graphiql.css">
</head>
<body style="margin: 0">
<div id="graphiql" style="height: 100vh"></div>
<script src="/graphql/explorer/react.js"></script>
<script src="/graphql/explorer/react-dom.js"></script>
<script src="/graphql/explorer/graphiql.js"></script>
<script src="/graphql/explorer/start.js"></script>
</body>
</html>
`;

/**
 * Where a package's file is. The packages do not export these files, so the package's folder is
 * found from its main entry (which they do export) and the file is read beside it.
 */
function packageFile(file: string): string {
  const [name = '', ...rest] = file.split('/');
  const entry = require.resolve(name);
  const root = entry.slice(0, entry.lastIndexOf(`${sep}node_modules${sep}${name}${sep}`));
  return join(root, 'node_modules', name, ...rest);
}

/** Starts GraphiQL on the page (a file, so that the page needs no inline script). */
const START_SCRIPT = `// Starts GraphiQL on the explorer page (served as a file, so the page needs no inline script).
/* global React, ReactDOM, GraphiQL */
(function () {
  var fetcher = function (params, options) {
    var headers = Object.assign({ 'content-type': 'application/json' }, (options && options.headers) || {});
    return fetch(window.location.pathname, {
      method: 'POST',
      headers: headers,
      body: JSON.stringify(params),
    }).then(function (res) {
      return res.json();
    });
  };
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultHeaders: '{\\n  "authorization": "Bearer <your API key>",\\n  "x-aws-region": "us-east-1"\\n}',
      isHeadersEditorEnabled: true,
      defaultQuery: '# AccountLink: put your API key in the headers below, then run.\\n{ me { kind region } }\\n',
    }),
  );
})();
`;

export function graphqlExplorer() {
  const cache = new Map<string, Buffer>();
  const asset = (name: string): { body: Buffer; type: string } | null => {
    if (name === 'start.js') {
      return { body: Buffer.from(START_SCRIPT), type: 'application/javascript' };
    }
    const known = ASSETS[name];
    if (!known) {
      return null;
    }
    let body = cache.get(name);
    if (!body) {
      body = readFileSync(packageFile(known.file));
      cache.set(name, body);
    }
    return { body, type: known.type };
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET') {
      next();
      return;
    }
    const path = req.path;
    if (path.startsWith('/explorer/')) {
      const found = asset(path.slice('/explorer/'.length));
      if (!found) {
        res.status(404).type('text/plain').send('Not found');
        return;
      }
      res.setHeader('cache-control', 'public, max-age=3600');
      res.setHeader('x-content-type-options', 'nosniff');
      res.type(found.type).send(found.body);
      return;
    }
    const wantsPage =
      path === '/' && !req.query.query && (req.headers.accept ?? '').includes('text/html');
    if (!wantsPage) {
      next();
      return;
    }
    res.setHeader('content-security-policy', EXPLORER_CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.type('text/html').send(PAGE);
  };
}
