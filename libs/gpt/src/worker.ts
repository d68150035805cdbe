// Runs an exported async function of any module in a worker thread and streams its progress back,
// so a service stays responsive while a model trains. Works from compiled JS; a .ts module is
// compiled on the fly with @swc/core (as in tests), with @ratchet/* packages mapped to their src/.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

/** What the function running in the worker receives besides its input. */
export interface WorkerContext {
  /** Sends a progress message to the caller's onProgress. Must be structured-cloneable. */
  progress(value: unknown): void;
}

/** The shape of a function that runInWorker can run: `export async function task(input, ctx)`. */
export type WorkerTask<I, O> = (input: I, ctx: WorkerContext) => Promise<O> | O;

export interface RunInWorkerOptions<P = unknown> {
  onProgress?: (value: P) => void;
  /** Terminates the worker and rejects. */
  signal?: AbortSignal;
  resourceLimits?: ConstructorParameters<typeof Worker>[1] extends infer W
    ? W extends { resourceLimits?: infer R }
      ? R
      : never
    : never;
}

export class WorkerTaskError extends Error {
  override name = 'WorkerTaskError';
  constructor(
    message: string,
    readonly remoteName?: string,
    readonly remoteStack?: string,
  ) {
    super(message);
  }
}

// Plain CommonJS, evaluated as the worker's entry, so it needs no build step of its own.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
function registerTypeScript(fromDir) {
  const swc = require(require.resolve('@swc/core', { paths: [fromDir] }));
  const options = (filename) => ({
    filename,
    jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022',
           transform: { legacyDecorator: true, decoratorMetadata: true } },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  require.extensions['.ts'] = (module, filename) => {
    const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), options(filename));
    module._compile(code, filename);
  };
  // Like jest's moduleNameMapper: @ratchet/<name> resolves to the package's src/index.ts.
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    const m = /^@ratchet\\/([a-z-]+)$/.exec(request);
    if (m) {
      try {
        const pkg = resolve.call(this, request + '/package.json', parent, ...rest);
        const src = path.join(path.dirname(pkg), 'src', 'index.ts');
        if (fs.existsSync(src)) return src;
      } catch { /* fall through to the normal resolution */ }
    }
    return resolve.call(this, request, parent, ...rest);
  };
}
(async () => {
  const { modulePath, exportName, input } = workerData;
  try {
    if (modulePath.endsWith('.ts')) registerTypeScript(path.dirname(modulePath));
    const mod = require(modulePath);
    const fn = mod[exportName];
    if (typeof fn !== 'function') throw new Error(modulePath + ' does not export a function named ' + exportName);
    const ctx = { progress: (value) => parentPort.postMessage({ kind: 'progress', value }) };
    const value = await fn(input, ctx);
    parentPort.postMessage({ kind: 'result', value });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    parentPort.postMessage({ kind: 'error', message: err.message, name: err.name, stack: err.stack });
  }
})();
`;

type Message =
  | { kind: 'progress'; value: unknown }
  | { kind: 'result'; value: unknown }
  | { kind: 'error'; message: string; name: string; stack?: string };

/**
 * Runs `require(modulePath)[exportName](input, ctx)` in a new worker thread and resolves with its
 * result. Input and result cross the thread boundary by structured clone (typed arrays, Maps and
 * plain objects are fine; class instances arrive as plain objects).
 */
export function runInWorker<I, O, P = unknown>(
  modulePath: string,
  exportName: string,
  input: I,
  options: RunInWorkerOptions<P> = {},
): Promise<O> {
  const resolved = path.resolve(modulePath);
  return new Promise<O>((resolve, reject) => {
    let settled = false;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { modulePath: resolved, exportName, input },
      resourceLimits: options.resourceLimits,
    });
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = (): void => finish(() => reject(new WorkerTaskError(`worker task ${exportName} was aborted`)));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort);
    worker.on('message', (msg: Message) => {
      if (msg.kind === 'progress') options.onProgress?.(msg.value as P);
      else if (msg.kind === 'result') finish(() => resolve(msg.value as O));
      else finish(() => reject(new WorkerTaskError(`${exportName} in ${resolved} failed: ${msg.message}`, msg.name, msg.stack)));
    });
    worker.on('error', (e) => finish(() => reject(new WorkerTaskError(`worker for ${exportName} crashed: ${e.message}`, e.name, e.stack))));
    worker.on('exit', (code) => finish(() => reject(new WorkerTaskError(`worker for ${exportName} exited with code ${code} before returning`))));
  });
}
