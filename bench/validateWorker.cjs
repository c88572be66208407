// Times dockerfile-utils' validate as shipped, in a thread of its own, so that none of Dockside's patches to
// dockerfile-ast (shared parse, memoized getters) reach it: the baseline is the library alone.
const { parentPort } = require('node:worker_threads');
const { validate } = require('dockerfile-utils');

parentPort.on('message', ({ text, runs }) => {
  // The same warm-up as measurePair in measure.ts: at least 3 runs and at least 300 ms.
  const warmStart = performance.now();
  for (let i = 0; i < 3 || performance.now() - warmStart < 300; i++) validate(`${text}# warm-up ${i}\n`);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const variant = `${text}# baseline ${i}\n`;
    const start = process.hrtime.bigint();
    validate(variant);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  parentPort.postMessage(times[Math.floor(times.length / 2)]);
});
