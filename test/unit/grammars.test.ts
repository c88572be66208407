import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar } from 'vscode-textmate';
import { itemAt } from '../support/itemAt';

const ROOT = path.resolve(__dirname, '..', '..');
const SYNTAXES = path.join(ROOT, 'syntaxes');

/** A real TextMate registry with the Oniguruma regex engine VS Code uses. */
async function registry(): Promise<Registry> {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  return new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (s: string[]) => new oniguruma.OnigScanner(s),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    async loadGrammar(scopeName: string) {
      const files: Record<string, string> = {
        'source.dockerignore': 'dockerignore.tmLanguage.json',
        'source.dockerfile.dockside-injection': 'dockerfile-injection.tmLanguage.json',
      };
      if (files[scopeName])
        return parseRawGrammar(fs.readFileSync(path.join(SYNTAXES, files[scopeName]), 'utf8'), files[scopeName]);
      // VS Code's built-in Dockerfile grammar is not on npm; a bare stand-in receives the injection the same way.
      if (scopeName === 'source.dockerfile')
        return parseRawGrammar(
          JSON.stringify({
            scopeName: 'source.dockerfile',
            patterns: [{ match: '^\\s*#.*$', name: 'comment.line.number-sign.dockerfile' }],
          }),
          'base.json',
        );
      return null;
    },
    getInjections: (scopeName: string) =>
      scopeName === 'source.dockerfile' ? ['source.dockerfile.dockside-injection'] : undefined,
  });
}

/** [text, scopes] of every token, line by line. */
function tokenize(grammar: IGrammar, text: string): [string, string][][] {
  let state = INITIAL;
  return text.split('\n').map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map(
      (t) => [line.slice(t.startIndex, t.endIndex), t.scopes.slice(1).join(' ')] as [string, string],
    );
  });
}

const scopeOf = (lines: [string, string][][], line: number, text: string) =>
  lines[line]?.find(([t]) => t === text)?.[1] ?? '';

describe('grammars (vscode-textmate + oniguruma, as VS Code tokenizes)', () => {
  let reg: Registry;
  before(async () => {
    reg = await registry();
  });

  it('colours parser directives at the top of a Dockerfile', async () => {
    const grammar = (await reg.loadGrammar('source.dockerfile'))!;
    const lines = tokenize(grammar, '# syntax=docker/dockerfile:1\n# escape=`\nFROM alpine:3.20');
    assert.match(scopeOf(lines, 0, 'syntax'), /keyword\.other\.directive\.dockerfile/);
    assert.match(scopeOf(lines, 0, 'docker/dockerfile:1'), /string\.unquoted\.directive-value\.dockerfile/);
    assert.match(scopeOf(lines, 1, 'escape'), /keyword\.other\.directive\.dockerfile/);
  });

  it('colours a heredoc body as a string up to its delimiter, with variables, quoted and <<- forms too', async () => {
    const grammar = (await reg.loadGrammar('source.dockerfile'))!;
    const lines = tokenize(
      grammar,
      [
        'RUN <<EOF',
        'apt-get update',
        'echo $HOME',
        'EOF',
        'COPY <<-"CONF" /etc/app.conf',
        'key=value',
        'CONF',
        'CMD ["sh"]',
      ].join('\n'),
    );
    assert.match(scopeOf(lines, 0, '<<'), /keyword\.operator\.heredoc\.dockerfile/);
    assert.match(scopeOf(lines, 0, 'EOF'), /entity\.name\.tag\.heredoc\.dockerfile/);
    assert.match(scopeOf(lines, 1, 'apt-get update'), /string\.unquoted\.heredoc\.dockerfile/);
    assert.match(scopeOf(lines, 2, '$HOME'), /variable\.other\.dockerfile/);
    assert.match(scopeOf(lines, 3, 'EOF'), /entity\.name\.tag\.heredoc\.dockerfile/);
    assert.match(scopeOf(lines, 5, 'key=value'), /string\.unquoted\.heredoc\.dockerfile/);
    assert.doesNotMatch(
      itemAt(lines, 7, 'line')
        .map(([, s]) => s)
        .join(' '),
      /heredoc/,
      'the heredoc ends at its delimiter',
    );
  });

  it('tokenizes .dockerignore patterns, negations and comments', async () => {
    const grammar = (await reg.loadGrammar('source.dockerignore'))!;
    const lines = tokenize(grammar, '# build output\nnode_modules\n!keep.log\n**/*.tmp');
    assert.match(
      itemAt(lines, 0, 'line')
        .map(([, s]) => s)
        .join(' '),
      /comment\.line\.number-sign\.dockerignore/,
    );
    assert.match(scopeOf(lines, 2, '!'), /keyword\.operator\.negation\.dockerignore/);
    assert.match(scopeOf(lines, 3, '**'), /keyword\.operator\.globstar\.dockerignore/);
    assert.match(scopeOf(lines, 3, '*'), /keyword\.operator\.wildcard\.dockerignore/);
  });
});
