// Times dockerfile-utils' validate as shipped, in a thread of its own, so that none of Dockside's patches to
// dockerfile-ast (shared parse, memoized getters) reach it: the baseline is the library alone.
//   { warm: text }      warms it up (at least 3 runs and at least 300 ms, as measurePair in measure.ts) and answers
//   { text }            validates once and answers the milliseconds it took
const { parentPort } = require('node:worker_threads');
const { validate } = require('dockerfile-utils');

parentPort.on('message', ({ warm, text }) => {
  if (warm !== undefined) {
    const warmStart = performance.now();
    for (let i = 0; i < 3 || performance.now() - warmStart < 300; i++) validate(`${warm}# warm-up ${i}\n`);
    parentPort.postMessage(0);
    return;
  }
  const start = process.hrtime.bigint();
  validate(text);
  parentPort.postMessage(Number(process.hrtime.bigint() - start) / 1e6);
});
