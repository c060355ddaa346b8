// Resolves the @accountlink/* aliases of tsconfig.base.json to the compiled libs under dist/,
// so the built apps run with plain `node -r ./tools/register-aliases.cjs`.
const Module = require('node:module');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const original = Module._resolveFilename;
Module._resolveFilename = function resolve(request, ...rest) {
  const match = /^@accountlink\/([a-z-]+)$/.exec(request);
  if (match) {
    return original.call(this, path.join(dist, 'libs', match[1], 'src', 'index.js'), ...rest);
  }
  return original.call(this, request, ...rest);
};
