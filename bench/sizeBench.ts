// The size and shape suite at full size (test/unit/sizeAndShape.test.ts runs a sample): every shape at 10^5
// repetitions, files of 1 to 50 MB, 10^4 levels of nesting. Prints the time and the heap growth of each.
import { parseDotEnv } from '../src/language/compose/dotEnv';
import { DockerfileService } from '../src/language/dockerfile/dockerfileService';
import { DOCKERFILE_SHAPES, DOTENV_SHAPES } from '../test/support/shapes';

function measure(run: () => number): { ms: number; heapMb: number; out: number } {
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const out = run();
  const ms = performance.now() - started;
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1048576;
  return { ms, heapMb, out };
}

const row = (name: string, size: number, m: { ms: number; heapMb: number; out: number }) =>
  console.log(
    `  ${name.padEnd(28)} ${(size / 1048576).toFixed(1).padStart(6)} MB ${m.ms.toFixed(0).padStart(7)} ms  ` +
      `heap +${m.heapMb.toFixed(0).padStart(4)} MB  ${m.out} findings`,
  );

export function benchSizes(): void {
  console.log('\nSize and shape (full sizes): time, heap growth and output per input');
  let version = 0;
  for (const [name, make] of Object.entries(DOCKERFILE_SHAPES)) {
    const text = make(100_000);
    row(
      `Dockerfile: ${name}`,
      text.length,
      measure(() => new DockerfileService().diagnose({ uri: 'x', version: ++version, text }).length),
    );
  }
  for (const mb of [1, 5, 20, 50]) {
    const text =
      'FROM alpine:3.20\n' + 'RUN echo hello && apt-get install -y curl\n'.repeat(Math.floor((mb * 1048576) / 41));
    row(
      `Dockerfile of ${mb} MB`,
      text.length,
      measure(() => new DockerfileService().diagnose({ uri: 'x', version: ++version, text }).length),
    );
  }
  const nested = 'FROM alpine:3.20\nARG A=1\nENV B=' + '${A:-'.repeat(10_000) + 'x' + '}'.repeat(10_000) + '\n';
  row(
    'Dockerfile: 10^4 nested ${…}',
    nested.length,
    measure(() => new DockerfileService().diagnose({ uri: 'x', version: ++version, text: nested }).length),
  );
  for (const [name, make] of Object.entries(DOTENV_SHAPES)) {
    const text = make(100_000);
    row(
      `.env: ${name}`,
      text.length,
      measure(() => parseDotEnv(text).size),
    );
  }
}
