import * as assert from 'node:assert/strict';
import { DockerfileFacts } from '../../src/language/dockerfile/facts';
import { parseShared } from '../../src/language/dockerfile/sharedParse';
import { parseShellScript } from '../../src/language/dockerfile/shellSyntax';
import { BUILDKIT_CASES } from '../fixtures/buildkitChecks';
import { DIFFERENTIAL_CASES } from '../fixtures/dockerfileDifferential';
import { FIX_CASES } from '../fixtures/dockerfileFixCases';
import { loadShellOracle, oracleCommands } from '../fixtures/shellOracle';
import { generateShellScripts, SHELL_CONSTRUCTS } from '../fixtures/shellScripts';
import { corpusPresent, corpusTexts } from '../support/corpus';

/** Dockside's simple commands of a script as word spans; `let` is an arithmetic clause to the reference. */
function ours(script: string): [number, number][][] {
  return parseShellScript(script)
    .commands.filter((c) => c.words[0]?.value !== 'let')
    .map((c) => c.words.map((w): [number, number] => [w.start, w.end]));
}

/** The scripts `/bin/sh -c` runs for the RUNs of some Dockerfiles. */
function runScripts(texts: string[]): string[] {
  const out: string[] = [];
  for (const text of texts) {
    const facts = new DockerfileFacts(text, parseShared(text));
    for (const i of facts.instructions) {
      if (i.getKeyword() !== 'RUN') continue;
      const script = facts.runScript(i);
      if (script) out.push(script.script);
    }
  }
  return out;
}

/** Compares every script with the reference; returns how many it accepted and the differences. */
function compare(scripts: string[]): { accepted: number; differences: string[] } {
  const oracle = loadShellOracle()!;
  let accepted = 0;
  const differences: string[] = [];
  for (const script of scripts) {
    const expected = oracleCommands(oracle, script);
    const got = ours(script);
    if (typeof expected === 'string') continue;
    accepted++;
    const show = (cs: [number, number][][]) => cs.map((c) => c.map(([s, e]) => script.slice(s, e)).join(' '));
    if (JSON.stringify(got) !== JSON.stringify(expected))
      differences.push(
        `${JSON.stringify(script)}\n  reference: ${JSON.stringify(show(expected))}\n` +
          `  dockside:  ${JSON.stringify(show(got))}`,
      );
  }
  return { accepted, differences };
}

describe('the shell model finds the same commands as mvdan/sh (differential)', function () {
  this.timeout(120000);

  before(function () {
    if (loadShellOracle()) return;
    const why = 'the mvdan-sh dev dependency is not installed (npm install)';
    if (process.env.CI) throw new Error(`Cannot run the shell differential: ${why}.`);
    console.warn(`SKIPPED: the shell differential, because ${why}.`);
    this.skip();
  });

  it('on every construct it must see into', () => {
    const { accepted, differences } = compare(SHELL_CONSTRUCTS);
    assert.equal(accepted, SHELL_CONSTRUCTS.length);
    assert.deepEqual(differences, []);
  });

  it("on every RUN of the repository's Dockerfile fixtures", () => {
    const texts = [...DIFFERENTIAL_CASES, ...FIX_CASES.map((c) => c.text), ...BUILDKIT_CASES.map((c) => c.text)];
    const scripts = runScripts(texts);
    const { accepted, differences } = compare(scripts);
    assert.ok(accepted >= 20, `${accepted} scripts compared`);
    assert.deepEqual(differences, []);
  });

  it('on every RUN of the shared corpus of real Dockerfiles', function () {
    if (!corpusPresent('Dockerfiles', 'the corpus differential')) this.skip();
    const scripts = runScripts(corpusTexts(/dockerfile|containerfile/i));
    const { accepted, differences } = compare(scripts);
    // A few RUNs are PowerShell (Windows images), which no POSIX shell reads.
    assert.ok(accepted >= scripts.length - 20 && accepted > 300, `${accepted} of ${scripts.length} compared`);
    assert.deepEqual(differences.slice(0, 5), []);
  });

  it('on 1,000 generated scripts that nest every construct (npm run bench runs 10,000)', () => {
    const scripts = generateShellScripts(1000);
    const { accepted, differences } = compare(scripts);
    assert.equal(accepted, scripts.length);
    assert.deepEqual(differences.slice(0, 5), []);
  });
});
