import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Docker from 'dockerode';

export interface BuildResult {
  ok: boolean;
  /** The engine printed "Step 1/N": it parsed the whole Dockerfile before failing (or succeeding). */
  parsed: boolean;
  log: string;
  error?: string;
  imageId?: string;
}

/**
 * Builds a Dockerfile text with the engine's builder (Engine API /build), in a temporary context that holds the
 * given extra files. Resolves with what happened; never rejects for a failed build.
 */
export async function buildDockerfile(
  docker: Docker,
  text: string,
  files: Record<string, string> = {},
  tag?: string,
): Promise<BuildResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-build-'));
  try {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), text);
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), content);
    }
    let log = '';
    let error: string | undefined;
    let imageId: string | undefined;
    try {
      const stream = await docker.buildImage(
        { context: dir, src: fs.readdirSync(dir, { recursive: true }) as string[] },
        { rm: true, forcerm: true, ...(tag ? { t: tag } : {}) },
      );
      await new Promise<void>((resolve) => {
        docker.modem.followProgress(
          stream,
          (err: Error | null) => {
            if (err) error ??= err.message;
            resolve();
          },
          (event: { stream?: string; error?: string; aux?: { ID?: string } }) => {
            if (event.stream) log += event.stream;
            if (event.error) error ??= event.error;
            if (event.aux?.ID) imageId = event.aux.ID;
          },
        );
      });
    } catch (err) {
      error = (err as { json?: { message?: string } }).json?.message ?? (err as Error).message;
    }
    return {
      ok: error === undefined,
      parsed: /Step 1\/\d+/.test(log),
      log,
      ...(error !== undefined ? { error } : {}),
      ...(imageId ? { imageId } : {}),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
