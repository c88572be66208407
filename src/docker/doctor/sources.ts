/**
 * Finding the files behind a container: the Dockerfile through the label Dockside's builds carry
 * (`com.dockside.dockerfile`, relative to the build context; see dockerfileLabel.ts) and the compose file through
 * Compose's labels (`com.docker.compose.project.config_files`, `…working_dir`, `…service`). Only files inside the
 * open workspace are read, never a path the label names directly: the caller's `WorkspaceFiles` decides what is
 * inside.
 */
import * as path from 'node:path';
import { DOCKERFILE_LABEL, labelledDockerfilePath } from '../dockerfileLabel';
import { composeServiceLines, type ComposeServiceLines } from './composeLines';
import { configValue, imageStage, lastOf, readDockerfile, stageChain, type DockerfileMap } from './dockerfileLines';
import type { ContainerInspect, ImageInspect } from './evidence';
import { code, say, type Words } from './words';

/** The workspace, as far as the doctor may see it. Files are named by absolute path (with forward slashes). */
export interface WorkspaceFiles {
  /** Workspace files whose path relative to a workspace folder is `relative` or ends with `/relative`. */
  findBySuffix(relative: string): Promise<string[]>;
  /** A file at an absolute path recorded by the engine, when it lies inside the workspace and exists. */
  inside(absolute: string): Promise<string | undefined>;
  /** The text of a workspace file, or undefined when it cannot be read or is too large. */
  read(file: string): Promise<string | undefined>;
  /** How to show a file to the user (relative to its workspace folder). */
  display(file: string): string;
}

export interface DockerfileSource {
  file: string;
  text: string;
  map: DockerfileMap;
  /** The build context's folder (the Dockerfile's path minus the label), for files a COPY took from it. */
  contextDir: string;
  /** The index of the stage the image was built from. */
  stage: number;
}

export interface ComposeSource {
  file: string;
  text: string;
  service: ComposeServiceLines;
}

export interface Sources {
  dockerfile?: DockerfileSource;
  compose?: ComposeSource;
  /** Why a file could not be found, in words, for "what can be known without a line". */
  notes: Words[];
}

export const COMPOSE_LABELS = {
  files: 'com.docker.compose.project.config_files',
  workingDir: 'com.docker.compose.project.working_dir',
  service: 'com.docker.compose.service',
  project: 'com.docker.compose.project',
} as const;

/** How well a Dockerfile's command matches the image's (2 both, 1 one of them, 0 neither). */
function score(map: DockerfileMap, image: ImageInspect | undefined): number {
  const steps = stageChain(map, imageStage(map, image?.Config?.Cmd, image?.Config?.Entrypoint));
  const same = (a: string[] | undefined, b: string[] | null | undefined) =>
    !!a && JSON.stringify(a) === JSON.stringify(b ?? null);
  const cmd = lastOf(steps, 'CMD');
  const ep = lastOf(steps, 'ENTRYPOINT');
  return (
    (cmd && same(configValue(cmd), image?.Config?.Cmd) ? 1 : 0) +
    (ep && same(configValue(ep), image?.Config?.Entrypoint) ? 1 : 0)
  );
}

function dockerfileSource(
  file: string,
  text: string,
  contextDir: string,
  image: ImageInspect | undefined,
): DockerfileSource {
  const map = readDockerfile(text);
  return { file, text, map, contextDir, stage: imageStage(map, image?.Config?.Cmd, image?.Config?.Entrypoint) };
}

/** Finds the Dockerfile and compose file behind a container, with the reasons when one cannot be found. */
export async function findSources(
  container: ContainerInspect,
  image: ImageInspect | undefined,
  files: WorkspaceFiles,
): Promise<Sources> {
  const notes: Words[] = [];
  const labels = container.Config?.Labels ?? {};
  const out: Sources = { notes };

  // Compose first: its file says how the container was run, and may name the Dockerfile it built from.
  const service = labels[COMPOSE_LABELS.service];
  const recorded = (labels[COMPOSE_LABELS.files] ?? '').split(',').filter(Boolean);
  if (service && recorded.length) {
    const workingDir = labels[COMPOSE_LABELS.workingDir] ?? '';
    for (const absolute of recorded) {
      const relativeToProject = workingDir ? path.posix.relative(toSlashes(workingDir), toSlashes(absolute)) : '';
      const file =
        (await files.inside(absolute)) ??
        (relativeToProject && !relativeToProject.startsWith('..')
          ? (await files.findBySuffix(relativeToProject))[0]
          : undefined);
      if (!file) continue;
      const text = await files.read(file);
      const lines = text === undefined ? undefined : composeServiceLines(text, service);
      if (text !== undefined && lines) {
        out.compose = { file, text, service: lines };
        break;
      }
    }
    if (!out.compose)
      notes.push(
        say`Compose started it (service ${code(service)}) from ${code(recorded.join(', '))}, which is not in the open \
workspace, so Dockside cannot point at its lines.`,
      );
  }

  const label = labelledDockerfilePath(image?.Config?.Labels?.[DOCKERFILE_LABEL]);
  if (label) {
    const candidates = await files.findBySuffix(label);
    let best: { source: DockerfileSource; score: number } | undefined;
    for (const file of candidates.slice(0, 20)) {
      const text = await files.read(file);
      if (text === undefined) continue;
      const contextDir = toSlashes(file).slice(0, -label.length).replace(/\/$/, '') || '/';
      const source = dockerfileSource(file, text, contextDir, image);
      const s = score(source.map, image);
      if (!best || s > best.score) best = { source, score: s };
    }
    if (best) out.dockerfile = best.source;
    else
      notes.push(say`Dockside built its image from ${code(label)}, but no file at that path is in the open workspace.`);
  }

  // A compose service with `build:` names its Dockerfile itself.
  const build = out.compose?.service.build;
  if (!out.dockerfile && out.compose && build) {
    const composeDir = path.posix.dirname(toSlashes(out.compose.file));
    const contextDir = joinPath(composeDir, toSlashes(build.context));
    const file = joinPath(contextDir, toSlashes(build.dockerfile ?? 'Dockerfile'));
    const inside = await files.inside(file);
    const text = inside ? await files.read(inside) : undefined;
    if (inside && text !== undefined) out.dockerfile = dockerfileSource(inside, text, contextDir, image);
  }

  if (!out.dockerfile && !label && !build) {
    const name = image?.RepoTags?.[0] ?? container.Config?.Image ?? 'its image';
    notes.push(
      say`Its image ${code(name)} was not built by Dockside (it has no ${code(DOCKERFILE_LABEL)} label), so Dockside \
cannot tell which Dockerfile made it.`,
    );
  }
  return out;
}

const toSlashes = (p: string) => p.replace(/\\/g, '/');

/**
 * `b` inside `a` (or `b` itself when absolute), without ever looking at the current folder: `a` may be a Windows
 * path.
 */
const joinPath = (a: string, b: string) =>
  b.startsWith('/') || /^[A-Za-z]:\//.test(b) ? path.posix.normalize(b) : path.posix.normalize(`${a}/${b}`);
