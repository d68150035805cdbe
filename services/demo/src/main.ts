#!/usr/bin/env node
// `npm run demo`: all four services in one process on the embedded runtime, streaming corpus
// batches through ingest → trainer → evaluator → registry, then the R matrix, the decisions,
// generated text and an HTML report.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AnyEvent } from '@ratchet/contracts';
import { EvaluatorService } from '@ratchet/evaluator-service';
import { IngestService } from '@ratchet/ingest-service';
import { TrainerService, TrainingProgress } from '@ratchet/trainer-service';
import { ConsoleView } from './console-view';
import { corpusFolder } from './corpus';
import { EmbeddedRuntime, startEmbedded } from './embedded-runtime';
import { DemoOptions, USAGE, UsageError, parseOptions } from './options';
import { formatDecisions, formatMatrix, formatRejections } from './summary';
import { registryClient } from './registry-client';
import { waitForDecisions } from './wait-for-decisions';

async function run(options: DemoOptions): Promise<void> {
  const started = Date.now();
  const out = resolve(options.out);
  await rm(join(out, 'data'), { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const corpus = await corpusFolder(options.corpus, options.eras, out);
  const view = new ConsoleView();
  view.line(`Ratchet demo: corpus ${options.corpus}, preset ${options.preset}, strategy ${options.strategy}, ${options.steps} steps per increment, backend ${options.backend}`);

  const runtime = await startEmbedded({
    dataDir: join(out, 'data'),
    registryPort: options.port,
    env: {
      RATCHET_TF_BACKEND: options.backend,
      RATCHET_EVAL_MAX_TOKENS: String(options.evalTokens),
      RATCHET_LOG_LEVEL: 'warn',
      RATCHET_LOG_FORMAT: 'pretty',
      RATCHET_INGEST_DIR_ENABLED: 'true',
      RATCHET_INGEST_DIR_ROOT: corpus,
    },
  });
  try {
    await show(runtime, view);
    const registry = registryClient(runtime.registryUrl);
    view.line(`registry API at ${runtime.registryUrl} (OpenAPI: ${runtime.registryUrl}/docs)`);
    await registry.configure(options.lineage, {
      preset: options.preset,
      strategy: { spec: options.strategy },
      training: { batchSize: options.batchSize, budget: { tokens: options.steps * options.batchSize * (await registry.blockSize(options.preset)) } },
    });
    const outcomes = await runtime.ingest.get(IngestService).ingestDirectory(corpus, options.lineage);
    const accepted = outcomes.filter((o) => o.outcome.status === 'accepted').length;
    view.line(`ingested ${outcomes.length} batches from ${corpus} (${accepted} accepted)`);
    for (const line of formatRejections(outcomes)) view.line(line);

    const events = await waitForDecisions(runtime.eventLog, options.lineage, accepted, 60 * 60_000);
    view.closeBar();
    view.line('');
    for (const line of formatMatrix(await registry.matrix(options.lineage), (id) => view.name(id))) view.line(line);
    view.line('');
    for (const line of formatDecisions(events, (id) => view.name(id))) view.line(line);
    view.line('');
    const sample = await registry.generate(options.lineage, { prompt: 'Fellow citizens', maxTokens: 200, temperature: 0.8, topK: 40, seed: 7 });
    view.line(sample ? `Text from the champion ${sample.checkpointId}:\n  ${sample.text.replace(/\n/g, '\n  ')}` : 'No model was promoted, so there is no champion to sample from.');
    const reportPath = join(out, 'report.html');
    await writeFile(reportPath, await registry.dashboard(options.lineage));
    view.line('');
    view.line(`report: ${reportPath}`);
    view.line(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await runtime.close();
  }
}

/** Event lines and progress bars while the services work. */
async function show(runtime: EmbeddedRuntime, view: ConsoleView): Promise<void> {
  await runtime.eventLog.subscribe('demo-console', async ({ event }: { event: AnyEvent }) => view.event(event));
  runtime.trainer.get(TrainerService).progress.on('progress', (p: TrainingProgress) => {
    if (p.phase !== 'train') return;
    view.progress(`train:${p.checkpointId}`, `train ${view.name(p.batchId).slice(0, 18).padEnd(18)}`, p.step, p.totalSteps, `loss ${p.loss?.toFixed(3) ?? '-'}`);
  });
  runtime.evaluator.get(EvaluatorService).onProgress((p) => {
    view.progress(`eval:${p.checkpointId}`, `score ${p.checkpointId.slice(0, 18).padEnd(18)}`, p.done, p.total, `${p.model} on ${view.name(p.set)}`);
  });
}

async function main(): Promise<void> {
  let options: DemoOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === 'help') return console.log(USAGE);
  await run(options);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
