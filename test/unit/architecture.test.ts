import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.resolve(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** `… from 'x'`, `require('x')` and `import('x')`: exactly one of the three groups holds the module name. */
const IMPORT = new RegExp(
  [
    String.raw`(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]`,
    String.raw`require\(\s*['"]([^'"]+)['"]\s*\)`,
    String.raw`import\(\s*['"]([^'"]+)['"]\s*\)`,
  ].join('|'),
  'g',
);

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].flatMap((m) => m[1] ?? m[2] ?? m[3] ?? []);
}

describe('layering (docs/ARCHITECTURE.md)', () => {
  for (const layer of ['language', 'docker', 'cli', 'panels']) {
    it(`keeps src/${layer} free of vscode and of the adapters`, () => {
      const offenders: string[] = [];
      for (const file of sourceFiles(path.join(SRC, layer))) {
        for (const spec of importsOf(file)) {
          const resolved = spec.startsWith('.') ? path.resolve(path.dirname(file), spec) : spec;
          if (
            spec === 'vscode' ||
            resolved.startsWith(path.join(SRC, 'vscode')) ||
            (layer !== 'panels' && resolved.startsWith(path.join(SRC, 'panels')))
          ) {
            offenders.push(`${path.relative(SRC, file)} imports ${spec}`);
          }
        }
      }
      assert.deepEqual(offenders, []);
    });
  }

  it('keeps the language layer free of dockerode, so language features never load the Docker side', () => {
    const offenders = sourceFiles(path.join(SRC, 'language')).filter((f) => importsOf(f).includes('dockerode'));
    assert.deepEqual(offenders, []);
  });

  it('has no import cycle among the language modules (type-only imports included)', () => {
    const language = path.join(SRC, 'language');
    const files = sourceFiles(language);
    const target = (from: string, spec: string): string | undefined => {
      if (!spec.startsWith('.')) return undefined;
      const base = path.resolve(path.dirname(from), spec);
      return [`${base}.ts`, path.join(base, 'index.ts')].find((f) => files.includes(f));
    };
    const graph = new Map(files.map((f) => [f, importsOf(f).flatMap((spec) => target(f, spec) ?? [])] as const));
    // Depth-first: an import of a module still on the stack closes a cycle, reported as its path.
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const cycles: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open')
          cycles.push([...stack.slice(stack.indexOf(next)), next].map((f) => path.relative(SRC, f)).join(' → '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    assert.ok(graph.get(path.join(language, 'compose', 'composeService.ts'))!.length > 5, 'the imports were read');
    assert.deepEqual(cycles, []);
  });

  it('keeps the CLI entry free of vscode', () => {
    assert.ok(!importsOf(path.join(SRC, 'cli.ts')).includes('vscode'));
  });
});

describe('source style', () => {
  it('keeps every line of src within the print width (120 characters)', () => {
    const long: string[] = [];
    for (const file of sourceFiles(SRC)) {
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const length = [...line].length; // characters, not UTF-16 units or bytes
          if (length > 120) long.push(`${path.relative(path.dirname(SRC), file)}:${i + 1} (${length})`);
        });
    }
    assert.deepEqual(long, []);
  });
});
