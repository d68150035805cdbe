// initBackend's choices and errors. The tfjs backend is process-wide, so these tests live in their own
// file (one jest module registry) and leave wasm running when they finish.
import * as tf from '@tensorflow/tfjs-core';
import { BackendName, currentBackend, initBackend } from './index';

const installed = (pkg: string): boolean => {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
};
const nativeInstalled = installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu');

beforeEach(async () => {
  await initBackend('wasm');
});

describe('initBackend', () => {
  it('starts the named backend and reports it', async () => {
    await expect(initBackend('cpu')).resolves.toBe('cpu');
    expect(currentBackend()).toBe('cpu');
    await expect(initBackend('wasm')).resolves.toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  (nativeInstalled ? it.skip : it)(
    'tensorflow without tfjs-node: a clear error naming the package, the backend unchanged',
    async () => {
      await expect(initBackend('tensorflow')).rejects.toThrow(
        /backend "tensorflow" requested but @tensorflow\/tfjs-node.* is not installed/,
      );
      expect(currentBackend()).toBe('wasm');
    },
  );

  (nativeInstalled ? it.skip : it)('auto without tfjs-node runs on wasm and says so', async () => {
    await initBackend('cpu');
    await expect(initBackend('auto')).resolves.toBe('wasm');
    expect(currentBackend()).toBe('wasm');
  });

  it('rejects an unknown backend name, listing the known ones, without switching', async () => {
    await expect(initBackend('webgpu' as BackendName)).rejects.toThrow(
      /unknown TensorFlow.js backend "webgpu".*wasm, cpu, tensorflow, auto/,
    );
    expect(currentBackend()).toBe('wasm');
  });

  it('auto falls back to cpu when wasm cannot start; an explicit wasm is then an error', async () => {
    const wasmFactory = tf.findBackendFactory('wasm');
    tf.removeBackend('wasm');
    try {
      await expect(initBackend('wasm')).rejects.toThrow(/wasm backend failed to initialise/);
      await expect(initBackend('auto')).resolves.toBe(nativeInstalled ? 'tensorflow' : 'cpu');
      expect(currentBackend()).toBe(nativeInstalled ? 'tensorflow' : 'cpu');
    } finally {
      tf.registerBackend('wasm', wasmFactory, 2); // tfjs-backend-wasm's own priority
    }
    await expect(initBackend('wasm')).resolves.toBe('wasm');
    expect(tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0])).toBe(3); // the re-registered wasm works
  });
});
