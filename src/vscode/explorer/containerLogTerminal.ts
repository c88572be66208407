import type * as vscode from 'vscode';
import { followLogsAcrossRestarts } from '../../docker/containerLogFollow';
import type { EngineApi } from '../../docker/engineApi';
import { maskSecrets } from '../../language/secrets';

/**
 * Writes a followed container log to a terminal: stderr in red, Dockside's own lines dimmed, line ends as a
 * terminal wants them. The log is followed across restarts (containerLogFollow.ts); `close()` stops it, also when
 * called before the engine answered.
 */
export function followContainerLog(
  api: () => Promise<EngineApi>,
  id: string,
  timestamps: boolean,
  write: vscode.EventEmitter<string>,
): { ready: Promise<void>; close(): void } {
  let closed = false;
  let follower: { close(): void } | undefined;
  const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');
  const ready = (async () => {
    const engine = await api();
    if (closed) return;
    const f = followLogsAcrossRestarts(
      engine,
      id,
      { timestamps, tail: 1000 },
      {
        text: (text, stream) => write.fire(crlf(stream === 'stderr' ? `\x1b[31m${text}\x1b[0m` : text)),
        note: (line) => write.fire(`\r\n\x1b[2m${crlf(maskSecrets(line))}\x1b[0m\r\n`),
      },
    );
    follower = f;
    if (closed) f.close();
    await f.ready;
  })();
  return {
    ready,
    close() {
      closed = true;
      follower?.close();
    },
  };
}
