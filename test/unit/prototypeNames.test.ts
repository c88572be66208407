import * as assert from 'node:assert/strict';
import { DockerfileService } from '../../src/language/dockerfile/dockerfileService';
import { escapeMarkdown } from '../../src/language/markdown';
import { ComposeService } from '../../src/language/compose/composeService';
import { DIFFERENTIAL_CASES } from '../fixtures/dockerfileDifferential';
import { COMPOSE_CASES, COMPOSE_DISAGREEMENTS } from '../fixtures/composeDifferential';
import { corpusTexts } from '../support/corpus';

/**
 * Names that are members of Object.prototype, each beside an ordinary name of the same length and shape. A user's
 * stage, argument, label or image called `constructor` must get exactly the verdict an ordinary name gets: code,
 * line and columns of every finding, hover and quick fixes without an exception.
 */
const PAIRS: [string, string][] = [
  ['constructor', 'contributor'],
  ['__proto__', '__photo__'],
  ['toString', 'toSpring'],
  ['hasOwnProperty', 'hasOwnPropelly'],
  ['valueOf', 'valueIf'],
];

/** Stage names, ARG/ENV names, LABEL keys and `--from` values of a Dockerfile: the identifiers a user picks. */
function identifiers(text: string): string[] {
  const found = new Set<string>();
  for (const [, name = ''] of text.matchAll(/^\s*FROM\s+(?:--\S+\s+)*\S+\s+AS\s+([A-Za-z][\w.-]*)/gim)) found.add(name);
  for (const [, name = ''] of text.matchAll(/^\s*(?:ARG|ENV)\s+([A-Za-z_]\w*)/gim)) found.add(name);
  for (const [, name = ''] of text.matchAll(/^\s*LABEL\s+([A-Za-z_][\w.-]*)=/gim)) found.add(name);
  for (const [, name = ''] of text.matchAll(/^\s*FROM\s+(?:--\S+\s+)*([a-z][a-z0-9_-]*)(?=[:\s@])/gim)) found.add(name);
  return [...found].filter((n) => n.length > 2).slice(0, 6);
}

const renamed = (text: string, from: string, to: string) =>
  text.replace(new RegExp(`(?<![\\w.-])${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'g'), to);

describe('prototype names as identifiers (constructor, __proto__, toString, hasOwnProperty)', function () {
  // Each test lints a hundred whole files four times over; on a loaded machine that takes longer than the default
  // 20 s without hanging, and the results, not the time, are what these tests check.
  this.timeout(120000);
  it('give Dockerfiles the same findings as ordinary names, and never an exception', () => {
    const failures: string[] = [];
    const service = new DockerfileService({
      onRuleError: (code, err) => failures.push(`${code}: ${(err as Error).message}`),
    });
    const texts = [...DIFFERENTIAL_CASES, ...corpusTexts(/Dockerfile/).slice(0, 60)];
    let compared = 0;
    let version = 0;
    // Findings, quick-fix titles and hovers; the proto name in any text is written back as the ordinary one.
    const verdict = (text: string, name: string, ordinary: string) => {
      const doc = { uri: 'file:///p/Dockerfile', version: ++version, text };
      const found = service.diagnose(doc);
      const out = found.map(
        (d) =>
          `${d.code} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`,
      );
      for (const d of found) out.push(...service.quickFixes(doc, d).map((f) => f.title));
      text
        .split('\n')
        .slice(0, 40)
        .forEach((l, line) => {
          for (let at = l.indexOf(name); at >= 0; at = l.indexOf(name, at + 1))
            out.push(service.hover(doc, { line, character: at + 1 })?.markdown ?? '');
        });
      return out.map((x) => x.split(escapeMarkdown(name)).join(escapeMarkdown(ordinary)).split(name).join(ordinary));
    };
    for (const text of texts) {
      for (const id of identifiers(text)) {
        for (const [proto, ordinary] of PAIRS) {
          const a = verdict(renamed(text, id, proto), proto, ordinary);
          const b = verdict(renamed(text, id, ordinary), ordinary, ordinary);
          compared++;
          if (a.join('\n') !== b.join('\n'))
            failures.push(
              `${id} → ${proto}:\n  got      ${a.join(', ')}\n  ordinary ${b.join(', ')}\n` +
                renamed(text, id, proto).slice(0, 300),
            );
        }
      }
    }
    assert.ok(compared > 200, `enough renamings were compared (${compared})`);
    assert.deepEqual(failures.slice(0, 5), []);
  });

  it('a stage named constructor keeps every other syntax error (the CLI would exit 0 without them)', () => {
    const service = new DockerfileService();
    for (const [n, [proto]] of PAIRS.entries()) {
      const found = service.diagnose({
        uri: 'x',
        version: n,
        text: `FROM alpine:3.19 AS ${proto}\nUSER app\nCOPPY . /app\n`,
      });
      assert.ok(
        found.some((d) => d.code === 'DSX038' && d.severity === 'error'),
        proto,
      );
      assert.ok(!found.some((d) => d.code === 'DSX999'), proto);
    }
  });

  it('give compose files the same findings as ordinary names: services, networks, volumes, secrets, keys, labels', () => {
    const failures: string[] = [];
    const service = new ComposeService();
    let version = 0;
    const verdict = (text: string, name: string, ordinary: string) => {
      const doc = { uri: 'c', version: ++version, text };
      const found = service.diagnose(doc);
      const out = found.map(
        (d) => `${d.code} ${d.range.start.line}:${d.range.start.character}-${d.range.end.character}`,
      );
      for (const d of found) out.push(...service.quickFixes(doc, d).map((f) => f.title));
      text.split('\n').forEach((l, line) => {
        for (let at = l.indexOf(name); at >= 0; at = l.indexOf(name, at + 1)) {
          out.push(service.hover(doc, { line, character: at + 1 })?.markdown ?? '');
          out.push(...service.completions(doc, { line, character: at + 1 }).map((c) => c.label));
        }
      });
      out.push(JSON.stringify(service.outline(doc)));
      return out.map((x) => x.split(escapeMarkdown(name)).join(escapeMarkdown(ordinary)).split(name).join(ordinary));
    };
    // The names a user picks: every key that is not a Compose keyword, found by the indentation of its line.
    const KEYWORDS = new Set([
      'services',
      'networks',
      'volumes',
      'secrets',
      'configs',
      'image',
      'build',
      'ports',
      'environment',
      'depends_on',
      'labels',
      'command',
      'driver',
      'external',
      'file',
      'context',
      'dockerfile',
      'restart',
      'healthcheck',
      'deploy',
      'extends',
      'service',
      'name',
      'version',
      'x-base',
      'condition',
      'target',
      'published',
      'test',
      'interval',
      'replicas',
      'container_name',
      'links',
      'env_file',
      'entrypoint',
      'profiles',
      'working_dir',
      'user',
      'include',
      'path',
    ]);
    const identifiers = (text: string) =>
      [...new Set([...text.matchAll(/^\s*([A-Za-z][\w.-]*):/gm)].map((m) => m[1]!))]
        .filter((n) => !KEYWORDS.has(n) && n.length > 2)
        .slice(0, 6);
    let compared = 0;
    for (const c of [...COMPOSE_CASES, ...COMPOSE_DISAGREEMENTS]) {
      for (const id of identifiers(c.text)) {
        for (const [proto, ordinary] of PAIRS) {
          const a = verdict(renamed(c.text, id, proto), proto, ordinary);
          const b = verdict(renamed(c.text, id, ordinary), ordinary, ordinary);
          compared++;
          if (a.join('\n') !== b.join('\n'))
            failures.push(`${c.name}: ${id} → ${proto}\n  got      ${a.join(' | ')}\n  ordinary ${b.join(' | ')}`);
        }
      }
    }
    assert.ok(compared > 200, `enough renamings were compared (${compared})`);
    assert.deepEqual(failures.slice(0, 5), []);
  });
});
