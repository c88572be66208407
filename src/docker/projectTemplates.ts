/**
 * "New Docker Project…": the files for each kind of project, as pure functions of the answers. Every file explains
 * itself in short comments that name the lesson to read (`lesson: id`, a link in the editor). Base images are build
 * arguments and service images are variables with the real default (`${DB_IMAGE:-postgres:16}`), so a mirror or a
 * local stand-in can replace them without editing a file.
 */

export type ProjectKind = 'node' | 'python' | 'go' | 'static' | 'database';

export interface ProjectAnswers {
  kind: ProjectKind;
  /** The host port the app is published on (and, for Node, Python and Go, the port it listens on). */
  port: number;
  /** Node: the script to run; Python: the module file; Go: the main package's folder. Ignored otherwise. */
  entry: string;
  /** Adds postgres and pgadmin beside the app. Always true for the "database" kind. */
  database: boolean;
  /** Values for the generated `.env`; made by the caller (random) so this stays pure. */
  secrets: { postgres: string; pgadmin: string };
}

export interface ProjectFiles {
  /** Dockerfile, .dockerignore, compose.yaml and, when there are secrets, .env.example. */
  files: Record<string, string>;
  /** The secrets' values, written to `.env` only when there is none: never committed, never overwritten. */
  dotEnv?: string;
  /** Lines `.gitignore` must have (appended when missing). */
  gitignore: string[];
  /** A minimal app, so that the project runs at once; written only for files that are missing, after asking. */
  starter: Record<string, string>;
}

interface KindInfo {
  label: string;
  description: string;
  defaultPort: number;
  defaultEntry: string;
  /** The build argument that names the base image, and its real default. */
  baseArg?: { name: string; image: string };
}

export const PROJECT_KINDS: Readonly<Record<ProjectKind, KindInfo>> = {
  node: {
    label: 'Node.js',
    description: 'a Node.js server',
    defaultPort: 3000,
    defaultEntry: 'server.js',
    baseArg: { name: 'NODE_IMAGE', image: 'node:22-slim' },
  },
  python: {
    label: 'Python',
    description: 'a Python web app',
    defaultPort: 8000,
    defaultEntry: 'app.py',
    baseArg: { name: 'PYTHON_IMAGE', image: 'python:3.12-slim' },
  },
  go: {
    label: 'Go',
    description: 'a Go server, compiled in one stage and shipped in a tiny one',
    defaultPort: 8080,
    defaultEntry: '.',
    baseArg: { name: 'GO_IMAGE', image: 'golang:1.23' },
  },
  static: {
    label: 'Static site',
    description: 'HTML, CSS and images served by nginx',
    defaultPort: 8080,
    defaultEntry: 'site',
    baseArg: { name: 'SITE_IMAGE', image: 'nginxinc/nginx-unprivileged:1.27-alpine' },
  },
  database: {
    label: 'Just a database',
    description: 'postgres, with pgadmin to look inside',
    defaultPort: 5050,
    defaultEntry: '',
  },
};

/** The images the database services use, with their variables. */
export const DB_IMAGE = { name: 'DB_IMAGE', image: 'postgres:16' };
export const PGADMIN_IMAGE = { name: 'PGADMIN_IMAGE', image: 'dpage/pgadmin4:8' };
const GO_RUNTIME = { name: 'RUNTIME_IMAGE', image: 'gcr.io/distroless/static-debian12:nonroot' };
/** The port nginx-unprivileged listens on inside its container. */
export const STATIC_CONTAINER_PORT = 8080;
/**
 * pgadmin's host port beside an app (the "database" kind asks for it). A literal, not a variable: Dockside's
 * port check (CS012) reads ports before interpolation and would flag `${PGADMIN_PORT:-5050}`.
 */
export const PGADMIN_PORT = 5050;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const lines = (...parts: (string | false | undefined)[]) =>
  parts.filter((p): p is string => typeof p === 'string').join('\n') + '\n';

/** The files for one answered "New Docker Project…". */
export function projectFiles(answers: ProjectAnswers): ProjectFiles {
  const database = answers.kind === 'database' || answers.database;
  const files: Record<string, string> = {};
  if (answers.kind !== 'database') {
    files.Dockerfile = dockerfile(answers);
    files['.dockerignore'] = dockerignore(answers.kind);
  }
  files['compose.yaml'] = compose(answers, database);
  if (database) files['.env.example'] = envExample(answers.kind);
  return {
    files,
    ...(database ? { dotEnv: dotEnv(answers) } : {}),
    gitignore: database ? ['.env'] : [],
    starter: starter(answers),
  };
}

function dockerfile(a: ProjectAnswers): string {
  const base = PROJECT_KINDS[a.kind].baseArg!;
  const header = [
    `# Build: "Build Image" above FROM, or "Up" in compose.yaml (lesson: images-and-containers).`,
    `# The base image is a build argument, so a mirror or a local copy can stand in for it (lesson: variables).`,
    `ARG ${base.name}=${base.image}`,
  ];
  switch (a.kind) {
    case 'node':
      return lines(
        ...header,
        `FROM \${${base.name}}`,
        'ENV NODE_ENV=production',
        'WORKDIR /app',
        '# The dependencies first: this layer is reused until package.json changes (lesson: layers-and-cache).',
        'COPY package.json package-lock.json ./',
        'RUN npm ci --omit=dev && npm cache clean --force',
        'COPY . .',
        '# The image ships a "node" user; a server needs no root (lesson: non-root-user).',
        'USER node',
        `ENV PORT=${a.port}`,
        '# EXPOSE documents the port; compose.yaml publishes it (lesson: ports-and-expose).',
        `EXPOSE ${a.port}`,
        '# Docker asks the server itself whether it answers; node 22 has fetch built in (lesson: healthcheck).',
        'HEALTHCHECK --interval=30s --timeout=3s --start-period=10s CMD ["node", "-e", ' +
          `"fetch('http://localhost:${a.port}/').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]`,
        '# Exec form: node gets the stop signal directly (lesson: cmd-and-entrypoint).',
        `CMD ["node", "${a.entry}"]`,
      );
    case 'python':
      return lines(
        ...header,
        `FROM \${${base.name}}`,
        'ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1',
        'WORKDIR /app',
        '# The dependencies first: this layer is reused until requirements.txt changes (lesson: layers-and-cache).',
        'COPY requirements.txt .',
        'RUN pip install --no-cache-dir -r requirements.txt',
        'COPY . .',
        '# A user of its own: a web app needs no root (lesson: non-root-user).',
        'RUN useradd --system --create-home app',
        'USER app',
        `ENV PORT=${a.port}`,
        '# EXPOSE documents the port; compose.yaml publishes it (lesson: ports-and-expose).',
        `EXPOSE ${a.port}`,
        '# Docker asks the app itself whether it answers, with what python has built in (lesson: healthcheck).',
        'HEALTHCHECK --interval=30s --timeout=3s --start-period=10s CMD ["python", "-c", ' +
          `"import urllib.request; urllib.request.urlopen('http://localhost:${a.port}/')"]`,
        '# Exec form: python gets the stop signal directly (lesson: cmd-and-entrypoint).',
        `CMD ["python", "${a.entry}"]`,
      );
    case 'go':
      return lines(
        ...header,
        `ARG ${GO_RUNTIME.name}=${GO_RUNTIME.image}`,
        '# Stage one compiles; only the program goes on to the small final image (lesson: multi-stage).',
        `FROM \${${base.name}} AS build`,
        'WORKDIR /src',
        '# The module files first: downloads are reused until go.mod changes (lesson: layers-and-cache).',
        'COPY go.mod ./',
        'RUN go mod download',
        'COPY . .',
        `RUN CGO_ENABLED=0 go build -o /out/app ${goPackage(a.entry)}`,
        '',
        `FROM \${${GO_RUNTIME.name}}`,
        'COPY --from=build /out/app /app',
        '# distroless ships a "nonroot" user (lesson: non-root-user).',
        'USER nonroot:nonroot',
        `ENV PORT=${a.port}`,
        '# distroless has no shell and no HTTP client to probe the port with,',
        '# hence no HEALTHCHECK (lesson: healthcheck).',
        '# dockside-ignore DS033',
        `EXPOSE ${a.port}`,
        'ENTRYPOINT ["/app"]',
      );
    case 'static':
      return lines(
        ...header,
        `FROM \${${base.name}}`,
        '# Only the site goes in; nginx serves this folder (lesson: workdir-and-paths).',
        `COPY ${a.entry.replace(/\/?$/, '/')} /usr/share/nginx/html/`,
        '# nginx-unprivileged runs as uid 101 and listens on 8080, so it needs no root (lesson: non-root-user).',
        'USER 101',
        `EXPOSE ${STATIC_CONTAINER_PORT}`,
        'HEALTHCHECK --interval=30s --timeout=3s --start-period=5s ' +
          `CMD wget -qO- http://localhost:${STATIC_CONTAINER_PORT}/ || exit 1`,
      );
    default:
      return '';
  }
}

/** `./cmd/app` and `cmd/app` are both the package `./cmd/app`; `.` is the module's root. */
const goPackage = (entry: string) => (entry === '.' || entry === '' ? '.' : `./${entry.replace(/^\.\/|\/$/g, '')}`);

function dockerignore(kind: ProjectKind): string {
  const common = [
    '# What the build never needs: smaller contexts build faster and leak nothing (lesson: dockerignore).',
    '.git',
    '.env',
    '.env.*',
    'compose.yaml',
    'Dockerfile',
    '.dockerignore',
  ];
  const byKind: Record<ProjectKind, string[]> = {
    node: ['node_modules', 'npm-debug.log*', 'coverage'],
    python: ['__pycache__/', '**/*.py[cod]', '.venv/', 'venv/', '.pytest_cache/'],
    go: ['bin/', '*.test', '*.out'],
    static: ['node_modules'],
    database: [],
  };
  return lines(...common, ...byKind[kind]);
}

const image = (v: { name: string; image: string }) => `\${${v.name}:-${v.image}}`;

function compose(a: ProjectAnswers, database: boolean): string {
  const app: string[] = [];
  if (a.kind !== 'database') {
    const base = PROJECT_KINDS[a.kind].baseArg!;
    const containerPort = a.kind === 'static' ? STATIC_CONTAINER_PORT : a.port;
    app.push(
      '  web:',
      '    build:',
      '      context: .',
      '      args:',
      `        ${base.name}: ${image(base)}`,
      ...(a.kind === 'go' ? [`        ${GO_RUNTIME.name}: ${image(GO_RUNTIME)}`] : []),
      '    # Published on this machine only; open http://localhost:' + a.port + ' (lesson: ports-and-expose).',
      '    ports:',
      `      - "127.0.0.1:${a.port}:${containerPort}"`,
    );
    if (database && a.kind !== 'static') {
      app.push(
        '    environment:',
        '      # The database is reached by its service name on the project network (lesson: networks).',
        '      DATABASE_URL: postgres://app:${POSTGRES_PASSWORD:?see .env.example}@db:5432/app',
        '    depends_on:',
        '      db:',
        '        condition: service_healthy',
      );
    }
    app.push('    restart: unless-stopped', '');
  }
  const db = database
    ? [
        `  # postgres and pgadmin as in the notes, with the passwords in .env (lesson: secrets).`,
        '  db:',
        `    image: ${image(DB_IMAGE)}`,
        '    # No published port: pgadmin and the app reach it by name. For psql on this machine, add',
        '    # ports: ["127.0.0.1:5432:5432"] (lesson: ports-and-expose).',
        '    environment:',
        '      POSTGRES_USER: app',
        '      POSTGRES_DB: app',
        '      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?see .env.example}',
        '    # The data lives in a named volume, so it survives "Down" (lesson: volumes).',
        '    volumes:',
        '      - db-data:/var/lib/postgresql/data',
        '    healthcheck:',
        '      test: ["CMD", "pg_isready", "-U", "app"]',
        '      interval: 5s',
        '      timeout: 3s',
        '      retries: 10',
        '      start_period: 10s',
        '    restart: unless-stopped',
        '',
        '  pgadmin:',
        `    image: ${image(PGADMIN_IMAGE)}`,
        '    environment:',
        '      PGADMIN_DEFAULT_EMAIL: admin@example.com',
        '      PGADMIN_DEFAULT_PASSWORD: ${PGADMIN_DEFAULT_PASSWORD:?see .env.example}',
        '    # Log in with the e-mail above and the password from .env; add the server "db", user "app".',
        '    ports:',
        `      - "127.0.0.1:${a.kind === 'database' ? a.port : PGADMIN_PORT}:80"`,
        '    volumes:',
        '      - pgadmin-data:/var/lib/pgadmin',
        '    depends_on:',
        '      db:',
        '        condition: service_healthy',
        '    restart: unless-stopped',
        '',
        'volumes:',
        '  db-data:',
        '  pgadmin-data:',
      ]
    : [];
  const variables = [
    ...(a.kind !== 'database' ? [PROJECT_KINDS[a.kind].baseArg!.name] : []),
    ...(a.kind === 'go' ? [GO_RUNTIME.name] : []),
    ...(database ? [DB_IMAGE.name, PGADMIN_IMAGE.name] : []),
  ];
  return lines(
    `# "Up" above "services:" starts everything in the background; "Down" removes it again (lesson: compose).`,
    `# Images come from variables with real defaults (${variables.join(', ')}): set one in .env to use another.`,
    'services:',
    ...app,
    ...db,
  )
    .trimEnd()
    .concat('\n');
}

function envExample(kind: ProjectKind): string {
  const base = kind !== 'database' ? PROJECT_KINDS[kind].baseArg! : undefined;
  return lines(
    '# Copy to .env and fill in. .env is in .gitignore: passwords stay out of git (lesson: secrets).',
    'POSTGRES_PASSWORD=',
    'PGADMIN_DEFAULT_PASSWORD=',
    '',
    '# Images, each with its default; uncomment one to use a mirror or a local image instead.',
    base && `# ${base.name}=${base.image}`,
    kind === 'go' && `# ${GO_RUNTIME.name}=${GO_RUNTIME.image}`,
    `# ${DB_IMAGE.name}=${DB_IMAGE.image}`,
    `# ${PGADMIN_IMAGE.name}=${PGADMIN_IMAGE.image}`,
  );
}

function dotEnv(a: ProjectAnswers): string {
  return lines(
    '# Made by Dockside for this machine; keep it out of git (lesson: secrets).',
    `POSTGRES_PASSWORD=${a.secrets.postgres}`,
    `PGADMIN_DEFAULT_PASSWORD=${a.secrets.pgadmin}`,
  );
}

function starter(a: ProjectAnswers): Record<string, string> {
  switch (a.kind) {
    case 'node':
      return {
        [a.entry]: lines(
          "const http = require('node:http');",
          '',
          `const port = Number(process.env.PORT) || ${a.port};`,
          'http',
          '  .createServer((req, res) => {',
          "    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });",
          "    res.end('<h1>Hello from a container</h1>\\n');",
          '  })',
          '  .listen(port, () => console.log(`listening on ${port}`));',
        ),
        'package.json': json({ name: 'app', version: '1.0.0', private: true, scripts: { start: `node ${a.entry}` } }),
        // A lock file with no dependencies: `npm ci` insists on one, and it keeps builds repeatable from the start.
        'package-lock.json': json({
          name: 'app',
          version: '1.0.0',
          lockfileVersion: 3,
          requires: true,
          packages: { '': { name: 'app', version: '1.0.0' } },
        }),
      };
    case 'python':
      return {
        [a.entry]: lines(
          'import os',
          'from http.server import BaseHTTPRequestHandler, HTTPServer',
          '',
          '',
          'class Hello(BaseHTTPRequestHandler):',
          '    def do_GET(self):',
          '        self.send_response(200)',
          '        self.send_header("content-type", "text/html; charset=utf-8")',
          '        self.end_headers()',
          '        self.wfile.write(b"<h1>Hello from a container</h1>\\n")',
          '',
          '',
          `HTTPServer(("", int(os.environ.get("PORT", "${a.port}"))), Hello).serve_forever()`,
        ),
        'requirements.txt': '# One package per line, pinned (e.g. flask==3.0.3).\n',
      };
    case 'go': {
      const dir = goPackage(a.entry).replace(/^\.\/?/, '');
      return {
        'go.mod': 'module app\n\ngo 1.23\n',
        [dir ? `${dir}/main.go` : 'main.go']: lines(
          'package main',
          '',
          'import (',
          '\t"fmt"',
          '\t"net/http"',
          '\t"os"',
          ')',
          '',
          'func main() {',
          '\tport := os.Getenv("PORT")',
          '\tif port == "" {',
          `\t\tport = "${a.port}"`,
          '\t}',
          '\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {',
          '\t\tfmt.Fprintln(w, "<h1>Hello from a container</h1>")',
          '\t})',
          '\t_ = http.ListenAndServe(":"+port, nil)',
          '}',
        ),
      };
    }
    case 'static':
      return {
        [`${a.entry.replace(/\/$/, '')}/index.html`]: lines(
          '<!doctype html>',
          '<html lang="en">',
          '<meta charset="utf-8">',
          '<title>Hello</title>',
          '<h1>Hello from a container</h1>',
          '</html>',
        ),
      };
    default:
      return {};
  }
}
