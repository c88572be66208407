/**
 * Hover documentation for Dockerfile instructions, in Dockside's own words.
 * Facts come from the project's Docker notes and Docker's documented behaviour.
 */
import { own } from '../own';
export type InstructionTime = 'build' | 'run' | 'both';

export interface InstructionDoc {
  summary: string;
  /** When the instruction has its effect: while the image is built, when a container runs, or both. */
  time: InstructionTime;
  /** True when the step adds a filesystem layer; false when it only records metadata in the image config. */
  layer: boolean;
  details: string[];
  example: string;
  lesson: string;
}

const doc = (d: InstructionDoc): InstructionDoc => d;

export const INSTRUCTION_DOCS: Readonly<Record<string, InstructionDoc>> = {
  FROM: doc({
    summary: 'Starts a build stage on top of a base image.',
    time: 'build',
    layer: false,
    details: [
      'Every stage begins with `FROM`; only `ARG` may come before the first one.',
      'The base image brings its own layers: a small base (a `-slim` or `-alpine` tag) means a smaller, safer image.',
      'Name a stage with `AS name` and copy from it later with `COPY --from=name` (a multi-stage build).',
      'Pin a tag such as `python:3.12-slim`: an untagged image means `latest`, which changes under you.',
    ],
    example: 'FROM python:3.12-slim AS app',
    lesson: 'dockerfile-instructions',
  }),
  RUN: doc({
    summary: 'Runs a command while the image is being built and saves the result as a new layer.',
    time: 'build',
    layer: true,
    details: [
      'It runs at build time only; use `CMD` or `ENTRYPOINT` for what a container runs.',
      'Each `RUN` is one layer, cached until it or a step above it changes: ' +
        'join commands that belong together with `&&`.',
      'Clean up in the same `RUN` that made the mess (for example the apt lists), or the files stay in the layer.',
    ],
    example:
      'RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*',
    lesson: 'dockerfile-instructions',
  }),
  CMD: doc({
    summary: 'Sets the default command (or default arguments) a container runs when it starts.',
    time: 'run',
    layer: false,
    details: [
      'Anything given after the image name in `docker run` replaces it.',
      'With an `ENTRYPOINT`, `CMD` supplies its default arguments.',
      'Prefer the exec form `["prog", "arg"]`: the process gets signals directly instead of through `/bin/sh -c`.',
      'Only the last `CMD` of a stage counts.',
    ],
    example: 'CMD ["python", "app.py"]',
    lesson: 'dockerfile-instructions',
  }),
  ENTRYPOINT: doc({
    summary: 'Sets the program a container always runs; `CMD` and `docker run` arguments are passed to it.',
    time: 'run',
    layer: false,
    details: [
      'Think of `ENTRYPOINT` as the fixed part and `CMD` as the replaceable arguments.',
      'It is replaced only with `docker run --entrypoint`.',
      'Use the exec form; the shell form ignores `CMD` and hides signals from your program.',
    ],
    example: 'ENTRYPOINT ["uvicorn"]\nCMD ["app:app", "--host", "0.0.0.0"]',
    lesson: 'dockerfile-instructions',
  }),
  COPY: doc({
    summary: 'Copies files from the build context (or another stage with `--from`) into the image.',
    time: 'build',
    layer: true,
    details: [
      'The cache of this step is invalidated when any copied file changes, and every step below it runs again.',
      'Copy dependency manifests first, install, then copy the rest ' +
        'of the source, so edits to code do not reinstall dependencies.',
      'A `.dockerignore` keeps unwanted files (such as `node_modules`, `.git`, secrets) out of the context.',
    ],
    example: 'COPY package.json package-lock.json ./',
    lesson: 'dockerfile-instructions',
  }),
  ADD: doc({
    summary: 'Like `COPY`, but can also fetch a URL and unpacks local tar archives.',
    time: 'build',
    layer: true,
    details: [
      'Prefer `COPY` unless you need the unpacking or the download: its behaviour is plain and predictable.',
      'When downloading, give `--checksum=sha256:…` so the build notices a changed file.',
    ],
    example: 'ADD app.tar.gz /usr/src/app/',
    lesson: 'dockerfile-instructions',
  }),
  WORKDIR: doc({
    summary: 'Sets the working directory for the instructions that follow and for the running container.',
    time: 'both',
    layer: true,
    details: [
      'The directory is created when it does not exist, ' +
        'and both builders (BuildKit and the legacy one) save that as a layer.',
      'Use it instead of `RUN cd …`, which only lasts for that one `RUN`.',
      'Give an absolute path; a relative one is resolved against the previous `WORKDIR`.',
    ],
    example: 'WORKDIR /app',
    lesson: 'dockerfile-instructions',
  }),
  ENV: doc({
    summary: 'Sets an environment variable for later build steps and for containers made from the image.',
    time: 'both',
    layer: false,
    details: [
      'The value is stored in the image: anyone who has the image can read it, so never put secrets here.',
      'Write `ENV KEY=value`; the older `ENV KEY value` form is legacy.',
    ],
    example: 'ENV APP_ENV=production',
    lesson: 'dockerfile-instructions',
  }),
  ARG: doc({
    summary: 'Declares a build-time variable that `docker build --build-arg` can set.',
    time: 'build',
    layer: false,
    details: [
      'It exists only while building; it is not in the container’s environment (use `ENV` for that).',
      'An `ARG` before the first `FROM` can be used in `FROM` lines; declare it again inside a stage to use it there.',
      'Its value can show up in the image history, so it is no place for secrets: use `RUN --mount=type=secret`.',
    ],
    example: 'ARG NODE_VERSION=20\nFROM node:${NODE_VERSION}-slim',
    lesson: 'dockerfile-instructions',
  }),
  EXPOSE: doc({
    summary: 'Documents the port the application listens on inside the container.',
    time: 'run',
    layer: false,
    details: [
      'It does **not** publish the port: ' +
        'only `docker run -p HOST:CONTAINER` (or `ports:` in compose) makes it reachable from the host.',
      '`docker run -P` publishes every exposed port on a random host port.',
      'Add `/udp` for a UDP port; TCP is the default.',
    ],
    example: 'EXPOSE 8000',
    lesson: 'dockerfile-instructions',
  }),
  USER: doc({
    summary: 'Sets the user (and optionally group) for later `RUN` steps and for the running container.',
    time: 'both',
    layer: false,
    details: [
      'Containers run as root unless told otherwise; a non-root user limits what a compromised process can do.',
      'The user must exist in the image: create it first (`useradd`, or `adduser` on Alpine).',
    ],
    example: 'RUN useradd --create-home appuser\nUSER appuser',
    lesson: 'dockerfile-instructions',
  }),
  VOLUME: doc({
    summary: 'Marks a path whose data lives outside the container’s writable layer.',
    time: 'run',
    layer: false,
    details: [
      'Each new container gets an anonymous volume there unless you mount a named volume or a bind mount on it.',
      'With BuildKit, later build steps that change files under that path keep their changes; ' +
        'the legacy builder threw them away.',
    ],
    example: 'VOLUME /var/lib/postgresql/data',
    lesson: 'dockerfile-instructions',
  }),
  LABEL: doc({
    summary: 'Adds key=value metadata to the image (version, maintainer, source).',
    time: 'build',
    layer: false,
    details: ['Labels are shown by `docker inspect` and can be used to filter images.'],
    example: 'LABEL org.opencontainers.image.source="https://example.com/app"',
    lesson: 'dockerfile-instructions',
  }),
  HEALTHCHECK: doc({
    summary: 'Tells Docker how to test that a running container still works.',
    time: 'run',
    layer: false,
    details: [
      'The command runs inside the container every `--interval`; exit code 0 means healthy, 1 unhealthy.',
      'Compose can wait for it with `depends_on: { db: { condition: service_healthy } }`.',
      '`HEALTHCHECK NONE` turns off a check inherited from the base image. Only the last one in a stage counts.',
    ],
    example: 'HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://localhost:8000/health || exit 1',
    lesson: 'dockerfile-instructions',
  }),
  SHELL: doc({
    summary: 'Changes the shell used by the shell form of `RUN`, `CMD` and `ENTRYPOINT`.',
    time: 'build',
    layer: false,
    details: ['It must be written in exec (JSON) form. The default on Linux is `["/bin/sh", "-c"]`.'],
    example: 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
    lesson: 'dockerfile-instructions',
  }),
  STOPSIGNAL: doc({
    summary: 'Sets the signal `docker stop` sends to ask the container’s main process to exit.',
    time: 'run',
    layer: false,
    details: ['The default is `SIGTERM`; after the grace period Docker sends `SIGKILL`.'],
    example: 'STOPSIGNAL SIGQUIT',
    lesson: 'dockerfile-instructions',
  }),
  ONBUILD: doc({
    summary: 'Registers an instruction that runs later, when another image is built `FROM` this one.',
    time: 'build',
    layer: false,
    details: [
      'Useful for base images of a framework; ' +
        'surprising elsewhere, since the trigger is invisible in the child Dockerfile.',
    ],
    example: 'ONBUILD COPY . /app/src',
    lesson: 'dockerfile-instructions',
  }),
  MAINTAINER: doc({
    summary: 'Deprecated: records the image author. Use `LABEL maintainer="…"` instead.',
    time: 'build',
    layer: false,
    details: ['Docker still accepts it, but it is deprecated and tools read labels instead.'],
    example: 'LABEL maintainer="team@example.com"',
    lesson: 'dockerfile-instructions',
  }),
};

const TIME_TEXT: Record<InstructionTime, string> = {
  build: 'build time',
  run: 'run time (stored in the image config)',
  both: 'build time and run time',
};

/** The Markdown shown when hovering an instruction keyword. */
export function instructionHoverMarkdown(keyword: string): string | undefined {
  const d = own(INSTRUCTION_DOCS, keyword.toUpperCase());
  if (!d) return undefined;
  const layer = d.layer ? 'adds a filesystem layer' : 'metadata only, no filesystem layer';
  return [
    `**${keyword.toUpperCase()}**: ${d.summary}`,
    '',
    `*When:* ${TIME_TEXT[d.time]} · *Layer:* ${layer}`,
    '',
    ...d.details.map((line) => `- ${line}`),
    '',
    '```dockerfile',
    d.example,
    '```',
  ].join('\n');
}
