import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * dockerfile-utils' validate as shipped, in a worker thread where none of sharedParse.ts's patches reach: the
 * baseline of the Dockerfile bench and the reference the patched library is compared with. One question at a time.
 */
export interface ValidatorAlone {
  /** Runs it until the JIT has compiled it (at least 3 runs and at least 300 ms). */
  warmUp(text: string): Promise<void>;
  /** Validates once; the milliseconds it took, timed in its thread. */
  time(text: string): Promise<number>;
  /** What it finds in each text, as plain data. */
  findings(texts: string[]): Promise<unknown[][]>;
  close(): Promise<void>;
}

export function validatorAlone(): ValidatorAlone {
  const worker = new Worker(path.join(__dirname, 'validateAlone.cjs'));
  let failed: ((err: Error) => void) | undefined;
  worker.on('error', (err) => failed?.(err));
  const ask = <T>(message: object) =>
    new Promise<T>((resolve, reject) => {
      failed = reject;
      worker.once('message', resolve);
      worker.postMessage(message);
    });
  return {
    warmUp: async (text) => void (await ask<number>({ warm: text })),
    time: (text) => ask<number>({ text }),
    findings: async (texts) => JSON.parse(await ask<string>({ findings: texts })) as unknown[][],
    close: async () => void (await worker.terminate()),
  };
}
