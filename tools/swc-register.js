// Lets a child process or worker thread run TypeScript sources directly (tests only):
// `node -r <repo>/tools/swc-register.js file.ts`. Maps @ratchet/<lib> to libs/<lib>/src.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const libs = path.join(__dirname, '..', 'libs');
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolve(request, parent, ...rest) {
  const match = /^@ratchet\/([a-z-]+)$/.exec(request);
  if (match && fs.existsSync(path.join(libs, match[1], 'src', 'index.ts'))) {
    return path.join(libs, match[1], 'src', 'index.ts');
  }
  return originalResolve.call(this, request, parent, ...rest);
};

require.extensions['.ts'] = function compile(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
