// A compiled-JS task for worker.int.spec.ts: no TypeScript hook involved.
exports.double = async (input, ctx) => {
  for (let i = 0; i < 3; i++) ctx.progress(i);
  return { doubled: input.values.map((v) => v * 2), threadId: require('node:worker_threads').threadId };
};
