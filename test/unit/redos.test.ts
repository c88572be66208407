import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSync } from 'recheck';
import * as ts from 'typescript';
import { ADDED_PATTERNS } from '../../src/language/compose/composeSchema';

const SRC = path.resolve(__dirname, '..', '..', 'src');

/**
 * Expressions that recheck calls non-linear but that only ever see bounded input, each with the reason. An
 * expression is listed here only after its input's bound has been checked at the call site.
 */
const ALLOWED: Readonly<Record<string, string>> = {};

interface Found {
  where: string;
  source: string;
  flags: string;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every regular expression literal in src/, and every `new RegExp(…)`/`RegExp(…)` with a literal or template pattern. */
function collect(): Found[] {
  const out: Found[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const where = (n: ts.Node) =>
      `${path.relative(SRC, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isRegularExpressionLiteral(node)) {
        const literal = node.text;
        const end = literal.lastIndexOf('/');
        out.push({ where: where(node), source: literal.slice(1, end), flags: literal.slice(end + 1) });
      } else if (
        (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'RegExp'
      ) {
        const [pattern, flags] = node.arguments ?? [];
        const flagText = flags && ts.isStringLiteralLike(flags) ? flags.text : '';
        if (pattern && ts.isStringLiteralLike(pattern))
          out.push({ where: where(node), source: pattern.text, flags: flagText });
        // A pattern built from a template: the interpolated parts are names (escaped or fixed words); an `x` stands for each.
        else if (pattern && ts.isTemplateExpression(pattern))
          out.push({
            where: where(node),
            source: pattern.head.text + pattern.templateSpans.map((s) => `x${s.literal.text}`).join(''),
            flags: flagText,
          });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

/**
 * recheck's verdict. Its analysis has a time budget, and on a loaded machine a sound expression can run out of it
 * ("unknown", kind timeout): such an expression is checked again with a budget twelve times larger before it
 * counts against the guard.
 */
function verdict(source: string, flags: string): ReturnType<typeof checkSync> {
  const first = checkSync(source, flags, { timeout: 5000 });
  if (first.status === 'unknown' && first.error.kind === 'timeout') return checkSync(source, flags, { timeout: 60000 });
  return first;
}

describe('regular expressions in src/ run in linear time (ReDoS guard)', function () {
  this.timeout(300000);
  const found = collect();

  it('finds the expressions to check', () => {
    assert.ok(found.length > 100, `collected ${found.length}`);
  });

  it("checks the compose schema's patterns too (ajv runs them on every value of a compose file)", () => {
    const schema = JSON.parse(
      fs.readFileSync(
        path.resolve(__dirname, '..', '..', 'node_modules', 'dclint', 'schemas', 'compose.schema.json'),
        'utf8',
      ),
    ) as unknown;
    const patterns = new Set<string>(ADDED_PATTERNS);
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (typeof n.pattern === 'string') patterns.add(n.pattern);
      if (n.patternProperties && typeof n.patternProperties === 'object')
        for (const key of Object.keys(n.patternProperties)) patterns.add(key);
      for (const v of Object.values(n)) walk(v);
    };
    walk(schema);
    assert.ok(patterns.size > 5, `collected ${patterns.size}`);
    const bad: string[] = [];
    for (const p of patterns) {
      // ajv compiles patterns with the u flag.
      const result = verdict(p, 'u');
      if (result.status !== 'safe' && !ALLOWED[`/${p}/u`]) bad.push(`/${p}/u: ${result.status}`);
    }
    assert.deepEqual(bad, []);
  });

  it('has no expression that backtracks super-linearly, unless listed with a reason', () => {
    const bad: string[] = [];
    const seen = new Set<string>();
    for (const f of found) {
      const key = `/${f.source}/${f.flags}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const result = verdict(f.source, f.flags);
      if (result.status === 'safe' || ALLOWED[key]) continue;
      const why =
        result.status === 'vulnerable'
          ? `${result.complexity.type}, e.g. ${JSON.stringify(result.attack.string).slice(0, 60)}`
          : `unknown (${result.status === 'unknown' ? result.error.kind : ''})`;
      bad.push(`${f.where} ${key}: ${why}`);
    }
    assert.deepEqual(bad, []);
  });
});
