// Chooses and initialises the TensorFlow.js backend: wasm by default, pure-JS cpu as fallback,
// tfjs-node(-gpu) when the caller asks for it and it is installed (loaded dynamically, not a dependency).
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import './gradients';

export type BackendName = 'wasm' | 'cpu' | 'tensorflow' | 'auto';

const BACKEND_NAMES: readonly BackendName[] = ['wasm', 'cpu', 'tensorflow', 'auto'];

let wasmPathsSet = false;

function prepareWasm(): void {
  if (wasmPathsSet) return;
  // In Node the wasm backend cannot find its .wasm files on its own; point it into node_modules.
  const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
  setWasmPaths(path.dirname(wasmFile) + path.sep);
  wasmPathsSet = true;
}

/** Registers the native tfjs-node(-gpu) backend if one is installed; false when neither is. */
function tryLoadNative(): boolean {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      // Optional native backend: a dynamic require so that it is not a dependency of this package.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(pkg);
      return true;
    } catch {
      // not installed (or its native binary failed to load): try the next one
    }
  }
  return false;
}

async function trySet(name: string): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/**
 * Initialises a backend and returns the name of the one that runs.
 * `auto` prefers tfjs-node when installed, then wasm, then cpu; an explicit name that cannot start is an error.
 */
export async function initBackend(name: BackendName = 'wasm'): Promise<string> {
  // Names come from flags and config as plain strings: an unknown one must not quietly run on cpu.
  if (!BACKEND_NAMES.includes(name)) {
    throw new Error(`unknown TensorFlow.js backend "${String(name)}"; known backends: ${BACKEND_NAMES.join(', ')}`);
  }
  // Production mode: no debug checks, and no "install tfjs-node" banner (advice, not a problem).
  tf.env().set('PROD', true);
  if (name === 'tensorflow' || name === 'auto') {
    if (tryLoadNative() && (await trySet('tensorflow'))) return tf.getBackend();
    if (name === 'tensorflow') {
      throw new Error('backend "tensorflow" requested but @tensorflow/tfjs-node(-gpu) is not installed or failed to load');
    }
  }
  if (name === 'wasm' || name === 'auto') {
    prepareWasm();
    if (await trySet('wasm')) return tf.getBackend();
    if (name === 'wasm') throw new Error('the tfjs wasm backend failed to initialise');
  }
  if (await trySet('cpu')) return tf.getBackend();
  throw new Error(`no TensorFlow.js backend could be initialised (asked for ${name})`);
}

export function currentBackend(): string {
  return tf.getBackend();
}
