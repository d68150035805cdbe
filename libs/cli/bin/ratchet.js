#!/usr/bin/env node
// The `ratchet` command as npm links it. It is a committed file (not dist/main.js itself) because
// `npm ci` links bins before anything is built and skips a bin whose target does not exist yet.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'main.js');
if (!existsSync(built)) {
  console.error('ratchet is not built yet: run `npx turbo run build --filter=@ratchet/cli...` (or any `npm run bench:*`) first');
  process.exit(1);
}
require(built);
