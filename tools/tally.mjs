// Sums the per-package jest totals written by tools/jest-summary-reporter.js and prints the closing line.
import { readFileSync } from 'node:fs';

const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);
const total = { passed: 0, failed: 0, skipped: 0 };
for (const line of lines) {
  const run = JSON.parse(line);
  total.passed += run.passed;
  total.failed += run.failed;
  total.skipped += run.skipped;
}
console.log(`${total.passed} passed, ${total.failed} failed` + (total.skipped ? `, ${total.skipped} skipped` : ''));
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
