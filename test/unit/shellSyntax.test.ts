import * as assert from 'node:assert/strict';
import { DockerfileService } from '../../src/language/dockerfile/dockerfileService';
import { DockerfileFacts } from '../../src/language/dockerfile/facts';
import { parseShared } from '../../src/language/dockerfile/sharedParse';
import { parseShellScript } from '../../src/language/dockerfile/shellSyntax';

/** Each command as its words joined by spaces. */
const commands = (script: string) =>
  parseShellScript(script).commands.map((c) => c.words.map((w) => w.value).join(' '));

/** The commands of the first RUN of a Dockerfile, each word with the Dockerfile text it covers. */
function runCommands(text: string): string[][] {
  const facts = new DockerfileFacts(text, parseShared(text));
  const run = facts.instructions.find((i) => i.getKeyword() === 'RUN')!;
  return facts.shellCommands(run).map((c) => c.words.map((w) => text.slice(w.start, w.end)));
}

describe('the shell model', () => {
  it('finds the commands inside if, loops, case, groups, subshells and substitutions', () => {
    assert.deepEqual(commands('if [ -f x ]; then apt-get install curl; fi'), ['[ -f x ]', 'apt-get install curl']);
    assert.deepEqual(commands('for p in a b; do pip install $p; done'), ['pip install $p']);
    assert.deepEqual(commands('while read l; do echo "$l"; done < f'), ['read l', 'echo $l']);
    assert.deepEqual(commands('case $x in a) dnf install z;; *) exit 1;; esac'), ['dnf install z', 'exit 1']);
    assert.deepEqual(commands('{ apk add git; } && (cd /x && make)'), ['apk add git', 'cd /x', 'make']);
    assert.deepEqual(commands('echo $(apt-get install -y foo) `yum install bar`'), [
      'echo $(apt-get install -y foo) `yum install bar`',
      'apt-get install -y foo',
      'yum install bar',
    ]);
    assert.deepEqual(commands('f() { npm install; }; f'), ['npm install', 'f']);
    assert.deepEqual(commands('a &\nwait'), ['a', 'wait']);
  });

  it('gives each word its exact offsets, quotes included, and leaves redirections out', () => {
    const [cmd] = parseShellScript('A=1 curl -o "x y" >/dev/null \'z\'').commands;
    assert.ok(cmd);
    assert.deepEqual(
      cmd.words.map((w) => [w.value, w.start, w.end]),
      [
        ['A=1', 0, 3],
        ['curl', 4, 8],
        ['-o', 9, 11],
        ['x y', 12, 17],
        ['z', 29, 32],
      ],
    );
  });

  it('links a pipe to the command it feeds, and marks nesting', () => {
    const [curl, sh, echo, inner] = parseShellScript('curl -fsSL u | sh; echo $(id)').commands;
    assert.ok(curl && sh && echo && inner);
    assert.equal(curl.pipeTo, sh);
    assert.equal(curl.next, '|');
    assert.deepEqual([curl.depth, echo.depth, inner.depth], [0, 0, 1]);
  });

  it('reads unquoted here-document bodies for substitutions, and quoted ones not at all', () => {
    assert.deepEqual(commands('cat <<EOF > f\nuser=$(whoami)\nEOF\nchmod 600 f'), ['cat', 'whoami', 'chmod 600 f']);
    assert.deepEqual(commands("cat <<'EOF'\n$(not run)\nEOF"), ['cat']);
  });

  it('never throws on a script it cannot read, and says it is incomplete', () => {
    for (const bad of ['if then fi', 'echo $(', 'case x in', '"unclosed', ')))', 'for', '`', 'a && && b', '<<']) {
      const parsed = parseShellScript(bad);
      assert.equal(parsed.complete, false, bad);
    }
    assert.equal(parseShellScript('echo ok').complete, true);
  });

  it('stops at a nesting depth no script reaches, keeping what it found', () => {
    const deep = 'echo start; ' + '$('.repeat(10000) + 'x' + ')'.repeat(10000);
    const parsed = parseShellScript(deep);
    assert.equal(parsed.complete, false);
    assert.equal(parsed.commands[0]?.words[0]?.value, 'echo');
  });
});

describe('RUN scripts, as Docker hands them to the shell', () => {
  it('joins continuation lines and drops the comment and empty lines between them', () => {
    const text = 'FROM debian:12\nRUN apt-get update \\\n  # refresh first\n  && apt-get install -y \\\n\n     curl\n';
    assert.deepEqual(runCommands(text), [
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', 'curl'],
    ]);
  });

  it('maps a word split by a continuation back to the whole span it covers in the Dockerfile', () => {
    const text = 'FROM debian:12\nRUN echo ab\\\ncd\n';
    assert.deepEqual(runCommands(text), [['echo', 'ab\\\ncd']]);
  });

  it('leaves the RUN flags and the exec form out', () => {
    assert.deepEqual(
      runCommands('FROM alpine\nRUN --mount=type=cache,target=/root/.cache --network=none pip install x\n'),
      [['pip', 'install', 'x']],
    );
    assert.deepEqual(runCommands('FROM alpine\nRUN ["apk", "add", "curl"]\n'), []);
  });

  it('runs the body of RUN <<EOF as the script, unless a shebang names another interpreter', () => {
    assert.deepEqual(runCommands('FROM alpine\nRUN <<EOF\napk add curl\nif true; then echo yes; fi\nEOF\n'), [
      ['apk', 'add', 'curl'],
      ['true'],
      ['echo', 'yes'],
    ]);
    assert.deepEqual(runCommands('FROM alpine\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n'), []);
    assert.deepEqual(runCommands('FROM alpine\nRUN <<EOF\n#!/bin/sh\nls\nEOF\n'), [['ls']]);
  });

  it('gives a command with a here-document its body as data', () => {
    assert.deepEqual(runCommands("FROM alpine\nRUN python3 <<'PY' && echo done\nimport os\nPY\n"), [
      ['python3'],
      ['echo', 'done'],
    ]);
  });

  it('follows a backtick escape character', () => {
    assert.deepEqual(runCommands('# escape=`\nFROM alpine\nRUN echo a `\n  && echo b\n'), [
      ['echo', 'a'],
      ['echo', 'b'],
    ]);
  });

  it('lets the rules see commands inside compound shell syntax', () => {
    const text = 'FROM debian:12\nRUN if [ -n "$X" ]; then apt-get update && apt-get install curl; fi\nUSER nobody\n';
    const codes = new DockerfileService().diagnose({ uri: 's', version: 1, text }).map((d) => d.code);
    assert.ok(codes.includes('DS006'), codes.join(' '));
  });
});
