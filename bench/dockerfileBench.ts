import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { DockerfileService } from '../src/language/dockerfile/dockerfileService';
import { generateDockerfile } from './generate';
import { validatorAlone } from '../test/support/validateAlone';
import { measure, median, printRow, warmUp } from './measure';

/**
 * Full Dockerfile diagnostics (every Dockside rule plus dockerfile-utils' checks) beside dockerfile-utils' validate
 * alone, on the same generated text. Each run gets a text no run has seen (a comment line with the run number), so
 * no parse is reused across runs: this is the cost of one edit. The two take turns, run by run, as measurePair
 * does: measured one after the other, a load spike on this shared machine landed on one side only and moved the
 * 1,000-line ratio anywhere between 0.9 and 2.
 */
export async function benchDockerfile(): Promise<void> {
  console.log('\nDockerfile diagnostics (median ms; ratio = Dockside / dockerfile-utils validate alone; target ≤ 1.2)');
  const library = validatorAlone();
  try {
    for (const lines of [1000, 10000]) {
      const text = generateDockerfile(lines);
      const runs = lines >= 10000 ? 9 : 101;
      const service = new DockerfileService();
      let run = 0;
      const diagnose = () => service.diagnose({ uri: 'bench', version: ++run, text: `${text}# dockside ${run}\n` });
      await library.warmUp(text);
      warmUp(diagnose);
      const oursTimes: number[] = [];
      const baseTimes: number[] = [];
      for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        diagnose();
        oursTimes.push(Number(process.hrtime.bigint() - start) / 1e6);
        baseTimes.push(await library.time(`${text}# baseline ${i}\n`));
      }
      const ours = median(oursTimes);
      const baseline = median(baseTimes);
      printRow(`${lines} lines`, ours, baseline);

      service.diagnose({ uri: 'hover', version: 1, text });
      const hover = measure(
        () => service.hover({ uri: 'hover', version: 1, text }, { line: Math.floor(lines / 2), character: 1 }),
        200,
      );
      console.log(`  hover on a parsed ${lines}-line file: ${hover.toFixed(3)} ms (target ≤ 2 ms)`);
    }
  } finally {
    await library.close();
  }
  benchMemory();
}

/** Heap after many edits of one document: the caches keep one version per document, so it must not grow. */
function benchMemory(): void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const text = generateDockerfile(1000);
  const service = new DockerfileService();
  const heapAfter = (edits: number, from: number): number => {
    for (let v = from; v < from + edits; v++) {
      const doc = { uri: 'file:///edited/Dockerfile', version: v, text: `${text}# edit ${v}\n` };
      service.diagnose(doc);
      service.hover(doc, { line: 10, character: 1 });
    }
    gc();
    return process.memoryUsage().heapUsed / 1024 / 1024;
  };
  const after50 = heapAfter(50, 0);
  const after500 = heapAfter(450, 50);
  console.log(
    `\nMemory over repeated edits of a 1,000-line Dockerfile: heap ${after50.toFixed(1)} MB after 50 edits, ${after500.toFixed(1)} MB after 500`,
  );
}
