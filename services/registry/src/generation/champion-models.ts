// The champion's model per lineage, loaded once from the object store and kept until the champion
// changes; the replaced model's tensors are disposed.
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import * as tf from '@tensorflow/tfjs-core';
import { BackendName, ByteTokenizer, GPT, initBackend, modelFromState } from '@ratchet/gpt';
import { ObjectStore } from '@ratchet/objectstore';
import { OBJECT_STORE } from '@ratchet/service-kit';
import { loadCheckpointFromStore } from './checkpoint-objects';

export const TF_BACKEND = Symbol('TfBackend');

export interface LoadedModel {
  checkpointId: string;
  model: GPT;
  tokenizer: ByteTokenizer;
}

export interface CheckpointRef {
  checkpointId: string;
  objectKey: string;
  manifestSha256: string;
}

let backendReady: Promise<string> | null = null;

@Injectable()
export class ChampionModels implements OnApplicationShutdown {
  private readonly logger = new Logger('champion-models');
  private readonly cache = new Map<string, { checkpointId: string; loading: Promise<LoadedModel> }>();

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(TF_BACKEND) private readonly backend: BackendName,
  ) {}

  /** The loaded model of `ref`, the champion of `lineage`; a different cached champion is disposed first. */
  async get(lineage: string, ref: CheckpointRef): Promise<LoadedModel> {
    const cached = this.cache.get(lineage);
    if (cached?.checkpointId === ref.checkpointId) return cached.loading;
    await this.evict(lineage);
    const loading = this.load(ref);
    this.cache.set(lineage, { checkpointId: ref.checkpointId, loading });
    loading.catch(() => {
      if (this.cache.get(lineage)?.loading === loading) this.cache.delete(lineage); // let the next request retry
    });
    return loading;
  }

  /** Called when the champion changes: frees the old model now rather than at the next request. */
  async evict(lineage: string): Promise<void> {
    const cached = this.cache.get(lineage);
    if (!cached) return;
    this.cache.delete(lineage);
    try {
      (await cached.loading).model.dispose();
      this.logger.log({ msg: 'disposed champion model', lineage, checkpointId: cached.checkpointId });
    } catch {
      // it never loaded: nothing to free
    }
  }

  /** The checkpoint ids held per lineage. */
  cached(): Record<string, string> {
    return Object.fromEntries([...this.cache].map(([lineage, c]) => [lineage, c.checkpointId]));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const lineage of [...this.cache.keys()]) await this.evict(lineage);
  }

  private async load(ref: CheckpointRef): Promise<LoadedModel> {
    // Another service in this process (the embedded demo's trainer) may have chosen the backend already.
    if (!tf.engine().backendName) backendReady ??= initBackend(this.backend);
    await backendReady;
    const state = await loadCheckpointFromStore(this.store, ref.objectKey, ref.manifestSha256);
    const model = modelFromState(state, { trainable: false });
    this.logger.log({ msg: 'loaded champion model', checkpointId: ref.checkpointId, params: model.paramCount(), backend: tf.getBackend() });
    return { checkpointId: ref.checkpointId, model, tokenizer: ByteTokenizer.fromSpec(state.tokenizer) };
  }
}
