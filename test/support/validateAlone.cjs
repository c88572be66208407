// dockerfile-utils' validate as shipped, in a thread of its own, so that none of Dockside's patches to
// dockerfile-ast (shared parse, remembered getters) reach it: the library alone. validateAlone.ts drives it.
//   { warm: text }      warms it up (as warmUp in bench/measure.ts: at least 3 runs and at least 300 ms); answers 0
//   { text }            validates once and answers the milliseconds it took
//   { findings: texts } validates each and answers what it found, as JSON
const { parentPort } = require('node:worker_threads');
const { validate } = require('dockerfile-utils');

parentPort.on('message', ({ warm, text, findings }) => {
  if (findings !== undefined) {
    parentPort.postMessage(JSON.stringify(findings.map((t) => validate(t))));
    return;
  }
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
