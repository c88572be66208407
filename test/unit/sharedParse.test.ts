import * as assert from 'node:assert/strict';
import * as ast from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { ORIGINAL_LOOKUPS, parseShared } from '../../src/language/dockerfile/sharedParse';
import { DIFFERENTIAL_CASES } from '../fixtures/dockerfileDifferential';
import { prng } from '../support/fuzz';
import { assertLinear } from '../support/growth';
import { validatorAlone } from '../support/validateAlone';
import { corpusTexts } from '../support/corpus';

/** Dockerfiles that define and redefine variables across stages, with ENV lines of several properties. */
function generated(seed: number): string {
  const rnd = prng(seed);
  const names = ['A', 'B', 'C', 'PATH', 'HOME'];
  const pick = () => names[Math.floor(rnd() * names.length)];
  const lines = [`ARG ${pick()}=g1`, `ARG ${pick()}`];
  for (let stage = 0; stage < 4; stage++) {
    lines.push(`FROM alpine:\${${pick()}} AS s${stage}`);
    for (let i = 0; i < 8; i++) {
      const r = rnd();
      if (r < 0.3) lines.push(`ARG ${pick()}${rnd() < 0.5 ? `=a${i}` : ''}`);
      else if (r < 0.6) lines.push(`ENV ${pick()}=e${i} ${pick()}=f${i} ${pick()}=\${${pick()}}`);
      else if (r < 0.8) lines.push(`RUN echo $${pick()} \${${pick()}:-x}`);
      else lines.push(`ENV ${pick()} legacy value ${i}`);
    }
  }
  return lines.join('\n') + '\n';
}

describe('dockerfile-ast variable lookups through an index', () => {
  it('answer exactly as the original scans do, for every variable on every line', () => {
    const texts = [
      ...DIFFERENTIAL_CASES,
      ...corpusTexts(/Dockerfile/),
      ...Array.from({ length: 40 }, (_, i) => generated(i + 1)),
    ];
    let compared = 0;
    for (const text of texts) {
      const tree = parseShared(text);
      const lineCount = text.split('\n').length;
      const names = new Set(['PATH', 'HOME', 'NOPE']);
      for (const m of text.matchAll(/\b[A-Z_][A-Z0-9_]*\b/g)) names.add(m[0]);
      const templates = tree
        .getFROMs()
        .map((f) => tree.getContainingImage(f.getRange().end))
        .filter((t) => t && t !== tree);
      for (const name of [...names].slice(0, 40)) {
        for (let line = 0; line <= lineCount; line++) {
          let original: unknown;
          try {
            original = ORIGINAL_LOOKUPS.treeResolve.call(tree, name, line);
          } catch (err) {
            // Outside every stage the original recurses until the stack runs out; the index answers there.
            assert.ok(err instanceof RangeError);
            original = tree.resolveVariable(name, line);
          }
          assert.equal(tree.resolveVariable(name, line), original, `resolve ${name} at ${line}\n${text}`);
          for (const t of templates)
            assert.equal(
              (t as unknown as { resolveVariable(n: string, l: number): unknown }).resolveVariable(name, line),
              ORIGINAL_LOOKUPS.templateResolve.call(t, name, line),
            );
          const instruction = tree
            .getInstructions()
            .find((i) => i.getRange().start.line <= line && line <= i.getRange().end.line);
          if (instruction) {
            const call = (instruction as unknown as { isBuildVariable(n: string, l: number): unknown }).isBuildVariable(
              name,
              line,
            );
            assert.equal(
              call,
              ORIGINAL_LOOKUPS.isBuildVariable.call(instruction, name, line),
              `isBuildVariable ${name} at ${line}\n${text}`,
            );
          }
          for (const character of [0, 1, 5, 200]) {
            const position = { line, character };
            assert.equal(
              tree.getContainingImage(position),
              ORIGINAL_LOOKUPS.containingImage.call(tree, position),
              `stage at ${line}:${character}`,
            );
          }
          compared++;
        }
      }
    }
    assert.ok(compared > 10000, `compared ${compared}`);
  });

  it('makes validation of many ARG/ENV pairs linear (it was quadratic: 4,000 pairs took seconds)', () => {
    const make = (n: number) =>
      'FROM alpine:3.20\n' + Array.from({ length: n }, (_, i) => `ARG A${i}=x\nENV E${i}=$A${i}`).join('\n') + '\n';
    // A fresh text per run, so no parse is reused between the sizes.
    let salt = 0;
    assertLinear(
      (n) =>
        ast.DockerfileParser.parse(make(n) + `# ${salt++}\n`)
          .getInstructions()
          .forEach((i) => i.getVariables()),
      300,
      'variables of many ARG/ENV pairs',
    );
  });
});

describe('dockerfile-ast flags, dropped from the arguments in one pass', () => {
  const flagged = (seed: number): string => {
    const rnd = prng(seed);
    const flags = ['--mount=type=cache,target=/root/.cache', '--network=none', '--chown=1:1', '--from=build', '--link'];
    const lines = ['FROM alpine:3.20 AS build'];
    for (let i = 0; i < 12; i++) {
      const picked = Array.from({ length: Math.floor(rnd() * 4) }, () => flags[Math.floor(rnd() * flags.length)]);
      const gap = rnd() < 0.3 ? ' \\\n    ' : ' ';
      const keyword = ['RUN', 'COPY', 'ADD'][i % 3];
      lines.push(`${keyword} ${picked.join(gap)}${gap}${keyword === 'RUN' ? 'echo --not-a-flag x' : 'a b /c/'}`);
    }
    return lines.join('\n') + '\n';
  };

  it('gives the same flags and arguments whichever is asked first', () => {
    let compared = 0;
    const texts = [...corpusTexts(/Dockerfile/), ...Array.from({ length: 40 }, (_, i) => flagged(i))];
    for (const [t, text] of texts.entries()) {
      // Fresh trees (a salt defeats the shared parse), one asked flags-first and one arguments-first.
      const first = parseShared(`${text}\n# a${t}\n`).getInstructions();
      const second = parseShared(`${text}\n# b${t}\n`).getInstructions();
      for (const [k, one] of first.entries()) {
        if (!(one instanceof ast.ModifiableInstruction)) continue;
        const other = second[k] as ast.ModifiableInstruction;
        const raw = (one as unknown as { getRawArguments(): ast.Argument[] })
          .getRawArguments()
          .map((a) => a.getValue());
        const flagsFirst = one.getFlags().map((f) => f.toString());
        const argsFirst = other.getArguments().map((a) => a.getValue());
        assert.deepEqual(
          other.getFlags().map((f) => f.toString()),
          flagsFirst,
        );
        assert.deepEqual(
          one.getArguments().map((a) => a.getValue()),
          argsFirst,
        );
        assert.deepEqual(argsFirst, raw.slice(flagsFirst.length), `line ${k}: ${raw.join(' ')}`);
        compared += raw.length;
      }
    }
    assert.ok(compared > 500, `compared ${compared}`);
  });

  it('takes linear time on thousands of flags (a shift per flag made it quadratic)', () => {
    let salt = 0;
    assertLinear(
      (n) => {
        const text = `FROM alpine:3.20\nRUN ${'--network=none '.repeat(n)}true\n# ${salt++}\n`;
        parseShared(text).getInstructions()[1]!.getArguments();
      },
      3000,
      'flags dropped from the arguments',
    );
  });
});

describe('dockerfile-utils on the shared parse and remembered getters', () => {
  it('finds exactly what the library alone finds, on the corpus and on generated files', async function () {
    this.timeout(60000);
    const texts = [
      ...corpusTexts(/Dockerfile/),
      ...DIFFERENTIAL_CASES,
      ...Array.from({ length: 40 }, (_, i) => generated(i)),
      // Flags in every order and place, with variables in them.
      'FROM --platform=$BUILDPLATFORM alpine:3.20 AS build\nARG V=1\nRUN --mount=type=cache,target=/c \\\n' +
        '  --network=none echo $V\nCOPY --from=build --chown=$V:$V a b\nHEALTHCHECK --interval=5s CMD true\n',
    ];
    const library = validatorAlone();
    const alone = await library.findings(texts).finally(() => library.close());
    let problems = 0;
    for (const [i, text] of texts.entries()) {
      // Asked twice: the second answer comes from the remembered getters of the first one's tree.
      const first = JSON.parse(JSON.stringify(validate(text))) as unknown[];
      const again = JSON.parse(JSON.stringify(validate(text))) as unknown[];
      assert.deepEqual(first, alone[i], `text ${i}:\n${text.slice(0, 300)}`);
      assert.deepEqual(again, alone[i], `text ${i}, asked again`);
      problems += first.length;
    }
    assert.ok(texts.length > 150 && problems > 30, `${texts.length} texts, ${problems} problems`);
  });
});
