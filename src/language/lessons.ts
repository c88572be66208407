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
  { id: 'images-and-containers', title: 'Images and containers' },
  { id: 'networks', title: 'Networks and drivers' },
  { id: 'volumes', title: 'Volumes and bind mounts' },
  { id: 'registries', title: 'Registries, tags and push' },
  { id: 'cli-commands', title: 'Everyday Docker commands' },
  { id: 'best-practices', title: 'A Dockerfile checklist' },
  { id: 'build-checks', title: "BuildKit's build checks and inline settings" },
  { id: 'how-docker-works', title: 'How Docker is built' },
  { id: 'builders', title: 'BuildKit and the legacy builder' },
  { id: 'port-security', title: 'Published ports and the firewall' },
  { id: 'container-commands', title: 'Running and managing containers' },
  { id: 'container-doctor', title: 'Why a container stopped' },
];

/**
 * The topics of the notes Dockside was made from (their headings, grouped), each with the lesson that teaches it.
 * A test checks that every topic has a lesson and every lesson is reachable from a walkthrough, a hover or a
 * diagnostic.
 */
export const TOPICS: Readonly<Record<string, string>> = {
  'Images and containers': 'images-and-containers',
  'Dockerfile instructions': 'dockerfile-instructions',
  'Layers and the build cache': 'layers-and-cache',
  'Multi-stage builds': 'multi-stage',
  '.dockerignore': 'dockerignore',
  'Ports and publishing': 'ports-and-expose',
  'Networks and drivers': 'networks',
  'Volumes and bind mounts': 'volumes',
  'Docker Compose': 'compose',
  'Build args, environment and secrets': 'variables',
  'Registries and push': 'registries',
  'Everyday CLI commands': 'cli-commands',
  'Best practices': 'best-practices',
};

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
