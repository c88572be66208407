// Times dockerfile-utils' validate as shipped, in a thread of its own, so that none of Dockside's patches to
// dockerfile-ast (shared parse, memoized getters) reach it: the baseline is the library alone.
const { parentPort } = require('node:worker_threads');
const { validate } = require('dockerfile-utils');

parentPort.on('message', ({ text, runs }) => {
  const times = [];
  for (let i = -3; i < runs; i++) {
    const variant = `${text}# baseline ${i}\n`;
    const start = process.hrtime.bigint();
    validate(variant);
    if (i >= 0) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  parentPort.postMessage(times[Math.floor(times.length / 2)]);
});
