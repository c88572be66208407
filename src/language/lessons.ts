/**
 * The index of Dockside's lessons. Diagnostics and hovers point at a lesson by id; the editor opens it with the
 * `dockside.openLesson` command and the CLI prints the path of its Markdown file
 * (`lessons/<id>.md` in the package).
 */
export interface LessonRef {
  id: string;
  title: string;
}

const LESSONS: readonly LessonRef[] = [
  { id: 'dockerfile-syntax', title: 'How Docker reads a Dockerfile' },
  { id: 'dockerfile-instructions', title: 'The Dockerfile instructions' },
  { id: 'base-images', title: 'Choosing and pinning a base image' },
  { id: 'layers-and-cache', title: 'Layers and the build cache' },
  { id: 'dockerignore', title: 'The .dockerignore file' },
  { id: 'package-managers', title: 'Package managers inside images' },
  { id: 'non-root-user', title: 'Running as a non-root user' },
  { id: 'cmd-and-entrypoint', title: 'CMD, ENTRYPOINT and the exec form' },
  { id: 'secrets', title: 'Keeping secrets out of images' },
  { id: 'shell-in-run', title: 'Shell pitfalls in RUN' },
  { id: 'workdir-and-paths', title: 'WORKDIR and paths' },
  { id: 'multi-stage', title: 'Multi-stage builds' },
  { id: 'variables', title: 'Build arguments and environment variables' },
  { id: 'ports-and-expose', title: 'Ports: EXPOSE and publishing' },
  { id: 'healthcheck', title: 'Health checks' },
  { id: 'compose', title: 'Compose files' },
];

const byId = new Map(LESSONS.map((l) => [l.id, l]));

export function allLessons(): readonly LessonRef[] {
  return LESSONS;
}

export function findLesson(id: string): LessonRef | undefined {
  return byId.get(id);
}

export function lessonFileName(id: string): string {
  return `${id}.md`;
}
