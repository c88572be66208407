import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CAUSES } from '../../src/docker/doctor/causes';
import { completedWalkthroughSteps } from '../../src/docker/walkthroughProgress';
import { toContainer } from '../../src/docker/normalize';
import { composeDiagnostics } from '../../src/language/compose/composeService';
import { DockerfileService } from '../../src/language/dockerfile/dockerfileService';
import { DOCKERFILE_RULES } from '../../src/language/dockerfile/rules';
import { INSTRUCTION_DOCS } from '../../src/language/dockerfile/instructionDocs';
import { COMPOSE_CODES } from '../../src/language/compose/composeService';
import { allLessons, TOPICS } from '../../src/language/lessons';
import { EXAMPLE_COMPOSE, EXAMPLE_DOCKERFILE } from '../../src/vscode/walkthroughExamples';
import { explainBody, explainDockerfile } from '../../src/panels/explain/explainHtml';
import { itemAt } from '../support/itemAt';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** A snippet's text with every placeholder at its default (first choice), tab stops empty. */
export function expandSnippet(body: string[]): string {
  let text = body.join('\n');
  for (let i = 0; i < 5; i++)
    text = text.replace(/\$\{\d+:([^{}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^}]*\|\}/g, '$1');
  return text.replace(/\$\{\d+\}|\$\d+/g, '').replace(/\\\$/g, '$');
}

const snippets = (file: string): [string, string][] =>
  Object.entries(
    JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets', file), 'utf8')) as Record<string, { body: string[] }>,
  ).map(([name, s]) => [name, expandSnippet(s.body)]);

describe('snippets pass Dockside’s own checks', () => {
  const service = new DockerfileService({ fileExists: () => true });
  const problems = (text: string) =>
    service
      .diagnose({ uri: `s-${text.length}-${Math.random()}`, version: 1, text, path: '/w/Dockerfile' })
      .filter((d) => d.severity === 'error' || d.severity === 'warning');

  for (const [name, text] of snippets('dockerfile.code-snippets')) {
    it(`Dockerfile snippet "${name}" has no errors or warnings`, () => {
      // Fragments (a USER block, a HEALTHCHECK) are checked inside a minimal Dockerfile that is clean on its own.
      const whole = /^\s*(#.*\n)*\s*FROM /m.test(text)
        ? text
        : `FROM debian:12-slim\n${text}\n${/^USER /m.test(text) ? '' : 'USER 1000\n'}CMD ["sh"]\n`;
      assert.deepEqual(
        problems(whole).map((d) => `${d.code} line ${d.range.start.line + 1}: ${d.message}`),
        [],
      );
    });
  }

  it('the minimal wrapper itself is clean (so a fragment is judged alone)', () => {
    assert.deepEqual(problems('FROM debian:12-slim\nUSER 1000\nCMD ["sh"]\n'), []);
  });

  for (const [name, text] of snippets('compose.code-snippets')) {
    it(`compose snippet "${name}" has no errors or warnings`, () => {
      assert.deepEqual(
        composeDiagnostics(text)
          .filter((d) => d.severity === 'error' || d.severity === 'warning')
          .map((d) => `${d.code} line ${d.range.start.line + 1}: ${d.message}`),
        [],
      );
    });
  }

  it('the walkthrough examples are clean too', () => {
    assert.deepEqual(
      problems(EXAMPLE_DOCKERFILE).map((d) => d.code),
      [],
    );
    assert.deepEqual(
      composeDiagnostics(EXAMPLE_COMPOSE)
        .filter((d) => d.severity !== 'information' && d.severity !== 'hint')
        .map((d) => d.code),
      [],
    );
  });

  it('has .dockerignore snippets for Node, Python and Go, and compose snippets for the notes’ services', () => {
    assert.deepEqual(
      snippets('dockerignore.code-snippets').map(([n]) => n.split(' ')[0]),
      ['Node.js', 'Python', 'Go'],
    );
    assert.deepEqual(
      snippets('compose.code-snippets').map(([n]) => n),
      ['Postgres + pgadmin', 'MongoDB', 'App with a database (wait until healthy)'],
    );
  });
});

describe('lessons and topics', () => {
  it('has a lesson for every topic of the notes', () => {
    const ids = new Set(allLessons().map((l) => l.id));
    assert.deepEqual(
      Object.entries(TOPICS).filter(([, id]) => !ids.has(id)),
      [],
    );
  });

  it('reaches every lesson from a walkthrough step, a hover or a diagnostic', () => {
    const reached = new Set<string>();
    for (const r of DOCKERFILE_RULES) reached.add(r.lesson);
    for (const d of Object.values(INSTRUCTION_DOCS)) reached.add(d.lesson);
    // Syntax errors (DSX codes) link their lesson too.
    for (const d of new DockerfileService().diagnose({
      uri: 'syntax',
      version: 1,
      text: 'FROM alpine:3.20\nRUNN echo\n',
    }))
      reached.add(d.lesson);
    for (const code of COMPOSE_CODES) {
      const d = composeDiagnostics('x: 1\n')
        .concat([])
        .find((x) => x.code === code);
      if (d) reached.add(d.lesson);
    }
    const walkthroughText = [
      JSON.stringify(pkg.contributes.walkthroughs),
      ...fs
        .readdirSync(path.join(ROOT, 'media', 'walkthrough'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => fs.readFileSync(path.join(ROOT, 'media', 'walkthrough', f), 'utf8')),
    ].join('\n');
    for (const [, lesson = ''] of walkthroughText.matchAll(/dockside\.openLesson\?%5B%22([a-z-]+)%22%5D/g))
      reached.add(lesson);
    const composeSource = fs.readFileSync(path.join(ROOT, 'src', 'language', 'compose', 'composeService.ts'), 'utf8');
    for (const [, lesson = ''] of composeSource.matchAll(/lesson: '([a-z-]+)'/g)) reached.add(lesson);
    // "Why Did It Stop?" links the lesson of the cause it names.
    for (const cause of Object.values(CAUSES)) reached.add(cause.lesson);
    assert.deepEqual(
      allLessons()
        .map((l) => l.id)
        .filter((id) => !reached.has(id)),
      [],
    );
  });

  it('names every compose code in a lesson (singly or in a range such as CS006–CS009)', () => {
    const text = allLessons()
      .map((l) => fs.readFileSync(path.join(ROOT, 'media', 'lessons', `${l.id}.md`), 'utf8'))
      .join('\n');
    const named = new Set<string>();
    for (const m of text.matchAll(/CS(\d{3})(?:[–-]CS(\d{3}))?/g)) {
      for (let n = Number(m[1]); n <= Number(m[2] ?? m[1]); n++) named.add(`CS${String(n).padStart(3, '0')}`);
    }
    assert.deepEqual(
      COMPOSE_CODES.filter((c) => !named.has(c)),
      [],
    );
  });

  it('every walkthrough step completes through a real action, not a "mark done" click', () => {
    const steps = pkg.contributes.walkthroughs[0].steps as { id: string; completionEvents: string[] }[];
    assert.deepEqual(
      steps.map((s) => s.id),
      [
        'images-containers',
        'dockerfile',
        'new-project',
        'build',
        'run',
        'layers',
        'volume',
        'network',
        'multi-stage',
        'checklist',
        'compose',
        'open-app',
      ],
    );
    for (const s of steps) {
      assert.ok(s.completionEvents.length > 0, s.id);
      for (const e of s.completionEvents) assert.match(e, /^(onCommand|onContext|onView):/, `${s.id}: ${e}`);
    }
    for (const s of steps) {
      const media = (s as unknown as { media: { markdown?: string; image?: string } }).media;
      assert.ok(fs.existsSync(path.join(ROOT, media.markdown ?? media.image!)), `${s.id} media exists`);
    }
  });
});

describe('walkthrough achievements from the engine’s state', () => {
  const c = (name: string, extra: object) =>
    toContainer({ Id: name.padEnd(64, '0'), Names: [`/${name}`], State: 'running', Status: 'Up', ...extra });

  it('sees a published port, a named volume, a shared user network and a running compose project', () => {
    const none = completedWalkthroughSteps({
      containers: new Map([
        ['a', c('a', { Ports: [{ PrivatePort: 80, Type: 'tcp' }], NetworkSettings: { Networks: { bridge: {} } } })],
      ]),
    });
    assert.deepEqual(none, []);
    const all = completedWalkthroughSteps({
      containers: new Map([
        [
          'a',
          c('a', {
            Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }],
            NetworkSettings: { Networks: { lab: {} } },
            Labels: { 'com.docker.compose.project': 'p' },
          }),
        ],
        [
          'b',
          c('b', {
            Mounts: [{ Type: 'volume', Name: 'notes', Source: '/v', Destination: '/data' }],
            NetworkSettings: { Networks: { lab: {} } },
            Labels: { 'com.docker.compose.project': 'p' },
          }),
        ],
      ]),
    });
    assert.deepEqual(all, ['publishedRunning', 'volumeUsed', 'networkShared', 'composeRunning']);
  });
});

describe('Explain This Dockerfile', () => {
  it('walks the file instruction by instruction: what, when, layer or not, what breaks the cache, which lesson', () => {
    const text = [
      'FROM node:22-slim AS build',
      'WORKDIR /app',
      'COPY package.json ./',
      'RUN npm ci && \\',
      '    npm run build',
      '',
      'FROM nginx:1.27-alpine',
      'COPY --from=build /app/dist /usr/share/nginx/html',
      'LABEL note="<b>hi</b>"',
      'CMD ["nginx", "-g", "daemon off;"]',
      '',
    ].join('\n');
    const steps = explainDockerfile(text);
    assert.deepEqual(
      steps.map((s) => [s.line, s.keyword, s.stage, s.layer]),
      [
        [0, 'FROM', 0, false],
        [1, 'WORKDIR', 0, true],
        [2, 'COPY', 0, true],
        [3, 'RUN', 0, true],
        [6, 'FROM', 1, false],
        [7, 'COPY', 1, true],
        [8, 'LABEL', 1, false],
        [9, 'CMD', 1, false],
      ],
    );
    assert.deepEqual([itemAt(steps, 3, 'step').time, itemAt(steps, 9 - 2, 'step').time], ['build', 'run']);
    assert.equal(itemAt(steps, 3, 'step').text, 'RUN npm ci && \\\n    npm run build');
    assert.match(itemAt(steps, 2, 'step').cache, /Rebuilt when any copied file changes/);
    const html = explainBody('web/Dockerfile', steps);
    assert.ok(!html.includes('<b>hi'), 'file text is escaped');
    assert.match(html, /8 instructions in 2 stages/);
    assert.match(html, /data-lesson="dockerfile-instructions"/);
  });
});
