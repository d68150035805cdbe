const path = require('node:path');

const config = require('../../jest.preset.js').jestConfig(__dirname);
// The preset maps @ratchet/<name> to libs/<name>/src; the service kit lives under services/, so
// map it to its sources too (first, before the preset's catch-all pattern).
for (const project of config.projects) {
  project.moduleNameMapper = { '^@ratchet/service-kit$': path.join(__dirname, '../kit/src'), ...project.moduleNameMapper };
}
module.exports = config;
