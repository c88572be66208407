import { validate } from 'dockerfile-utils';
import { DockerfileService } from '../src/language/dockerfile/dockerfileService';
import { generateDockerfile } from './generate';
import { measure, printRow } from './measure';

/** Full Dockerfile diagnostics beside dockerfile-utils' validate alone, on the same generated text. */
export function benchDockerfile(): void {
  console.log('\nDockerfile diagnostics (median ms; ratio = Dockside / dockerfile-utils validate)');
  for (const lines of [1000, 10000]) {
    const text = generateDockerfile(lines);
    const baseline = measure(() => validate(text));
    const service = new DockerfileService();
    let version = 0;
    // A new version each run, so that the cache never answers: this is the cost of one edit.
    const ours = measure(() => service.diagnose({ uri: 'bench', version: ++version, text }));
    printRow(`${lines} lines`, ours, baseline);

    service.diagnose({ uri: 'hover', version: 1, text });
    const hover = measure(() => service.hover({ uri: 'hover', version: 1, text }, { line: Math.floor(lines / 2), character: 1 }), 200);
    console.log(`  hover on a parsed ${lines}-line file: ${hover.toFixed(3)} ms`);
  }
}
