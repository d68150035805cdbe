// Shared jest settings: swc transform (fast, decorator metadata for NestJS), tiers by file name.
const path = require('node:path');

const tiers = {
  unit: '\\.unit\\.spec\\.ts$',
  int: '\\.int\\.spec\\.ts$',
  e2e: '\\.e2e\\.spec\\.ts$',
};

/** One jest project per tier, selected with `--selectProjects unit|int|e2e`. */
function jestConfig(dir) {
  return {
    rootDir: dir,
    // testTimeout is a global option (ignored inside `projects`): generous, since int and e2e tests
    // train small models and talk to real servers on a 2-core machine.
    testTimeout: 120_000,
    reporters: [['default', { summaryThreshold: 0 }], path.join(__dirname, 'tools/jest-summary-reporter.js')],
    projects: Object.entries(tiers).map(([tier, testRegex]) => project(dir, tier, testRegex)),
  };
}

function project(dir, tier, testRegex) {
  return {
    displayName: tier,
    rootDir: dir,
    testEnvironment: 'node',
    testRegex,
    transform: {
      '^.+\\.(t|j)s$': [
        require.resolve('@swc/jest'),
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2022',
          },
          module: { type: 'commonjs' },
        },
      ],
    },
    moduleNameMapper: {
      '^@ratchet/service-kit$': path.join(__dirname, 'services/kit/src'),
      '^@ratchet/([a-z]+)-service$': path.join(__dirname, 'services/$1/src'),
      '^@ratchet/([a-z-]+)$': path.join(__dirname, 'libs/$1/src'),
      '^@ratchet/([a-z-]+)/testing$': path.join(__dirname, 'libs/$1/src/testing'),
    },
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  };
}

module.exports = { jestConfig };
