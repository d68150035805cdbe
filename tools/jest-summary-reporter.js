// Appends each jest run's totals to $RATCHET_TEST_TALLY so the top-level test command can print
// one closing "N passed, N failed" line for all packages and tiers.
const fs = require('node:fs');

class TallyReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.RATCHET_TEST_TALLY;
    if (!file) return;
    const line = JSON.stringify({
      cwd: process.cwd(),
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests,
    });
    fs.appendFileSync(file, line + '\n');
  }
}

module.exports = TallyReporter;
