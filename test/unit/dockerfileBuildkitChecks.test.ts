import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DocksideDiagnostic } from '../../src/language/diagnostic';
import { BUILDKIT_CHECKS, directiveIn, parseCheckOptions } from '../../src/language/dockerfile/checkDirective';
import { DockerfileService, type DockerfileServiceOptions } from '../../src/language/dockerfile/dockerfileService';
import { parsePlatform } from '../../src/language/dockerfile/platforms';
import { DOCKERFILE_RULES, DOCKERFILE_RULES_BY_CODE } from '../../src/language/dockerfile/rules';
import type { RuleSettings } from '../../src/language/ruleSettings';
import { BUILDKIT_CASES, CHECK_OPTION_BODY, CHECK_OPTION_CASES } from '../fixtures/buildkitChecks';

/** The BuildKit check a finding is, if any: its own, or its rule's only one. */
function checkOf(d: DocksideDiagnostic): string | undefined {
  if (d.data?.check !== undefined) return d.data.check || undefined;
  const rule = DOCKERFILE_RULES_BY_CODE.get(d.code);
  return rule?.buildkit?.length === 1 ? rule.buildkit[0] : undefined;
}

function diagnose(text: string, dockerignore?: string, rules: RuleSettings = {}): DocksideDiagnostic[] {
  const files: Record<string, string> = dockerignore === undefined ? {} : { '/ctx/.dockerignore': dockerignore };
  const options: DockerfileServiceOptions = { rules, readFile: (p) => files[p], fileExists: (p) => p in files };
  return new DockerfileService(options).diagnose({ uri: 'bk', version: 1, text, path: '/ctx/Dockerfile' });
}

/** `Check@line` for every finding that is a BuildKit check, sorted. */
function checks(diags: DocksideDiagnostic[]): string[] {
  return diags
    .filter((d) => checkOf(d))
    .map((d) => `${checkOf(d)}@${d.range.start.line + 1}`)
    .sort();
}

const lines = (...l: string[]) => l.join('\n') + '\n';

describe("BuildKit's build checks: the situations of BuildKit's own tests", () => {
  it('has every check of BuildKit, each reported by a Dockside rule', () => {
    const covered = new Set(DOCKERFILE_RULES.flatMap((r) => r.buildkit ?? []));
    assert.deepEqual(
      Object.keys(BUILDKIT_CHECKS).filter((c) => !covered.has(c)),
      [],
    );
  });

  for (const c of BUILDKIT_CASES) {
    it(`${c.name}: ${c.expect.length ? c.expect.map(([r, l]) => `${r} on line ${l}`).join(', ') : 'nothing'}`, () => {
      assert.deepEqual(checks(diagnose(c.text, c.dockerignore)), c.expect.map(([r, l]) => `${r}@${l}`).sort());
    });
  }

  it('silences every expected warning with "# check=skip=" of its check (experimental: by not opting in)', () => {
    const failures: string[] = [];
    for (const c of BUILDKIT_CASES) {
      for (const check of new Set(c.expect.map(([r]) => r))) {
        let text: string;
        if (BUILDKIT_CHECKS[check]?.experimental) {
          // skip= never silences an experimental check; not opting in does.
          const still = checks(
            diagnose(
              c.text.replace(
                /experimental=InvalidDefinitionDescription/,
                'skip=all;experimental=InvalidDefinitionDescription',
              ),
              c.dockerignore,
            ),
          );
          if (!still.some((s) => s.startsWith(`${check}@`))) failures.push(`${c.name}: skip=all silenced ${check}`);
          text = c.text.replace(/;?experimental=InvalidDefinitionDescription/, '');
        } else if (c.hasDirective) {
          text = c.text.replace(/^# check=skip=([^;\n]*)/, `# check=skip=$1,${check}`);
        } else {
          text = `# check=skip=${check}\n${c.text}`;
        }
        const left = checks(diagnose(text, c.dockerignore)).filter((s) => s.startsWith(`${check}@`));
        if (left.length) failures.push(`${c.name}: ${left.join(', ')} after skipping ${check}`);
      }
    }
    assert.deepEqual(failures, []);
  });
});

describe('the # check= directive, read as BuildKit reads it', () => {
  for (const c of CHECK_OPTION_CASES) {
    const expected = c.expect.map(([r, l]) => `${r}@${l}`).join(', ') || 'nothing';
    it(`${c.directive}: ${expected}${c.fails ? ', as errors' : ''}`, () => {
      const found = diagnose(lines(c.directive, ...CHECK_OPTION_BODY));
      assert.deepEqual(
        checks(found),
        c.expect.map(([r, l]) => `${r}@${l}`),
      );
      const severities = found.filter((d) => checkOf(d)).map((d) => d.severity);
      assert.ok(
        severities.every((s) => s === (c.fails ? 'error' : 'warning')),
        severities.join(', '),
      );
    });
  }

  it('reads the options BuildKit reads, and refuses what it refuses', () => {
    const ok = (text: string) => {
      const parsed = parseCheckOptions(text);
      assert.ok('options' in parsed, `${text}: ${'error' in parsed ? parsed.error : ''}`);
      return parsed.options;
    };
    assert.deepEqual([...ok('skip=A,B;error=true').skip], ['A', 'B']);
    assert.equal(ok('error=1').error, true);
    assert.equal(ok('error=F').error, false);
    assert.deepEqual([...ok('skip=A;skip=B').skip], ['B']);
    assert.deepEqual([...ok('skip=').skip], []);
    assert.deepEqual([...ok('skip=A;error=false;experimental=X;Y').experimental], ['X;Y']);
    assert.equal(ok('experimental=all;skip=all').experimentalAll, true);
    assert.equal(ok('skip=ALL').skipAll, false);
    // `all` stays set when a later option lists names; a later list replaces an earlier one.
    assert.equal(ok('skip=all;skip=A').skipAll, true);
    assert.deepEqual([...ok('skip=all;skip=A').skip], ['A']);
    assert.equal(ok('experimental=all;experimental=X').experimentalAll, true);
    for (const bad of ['foo', 'error=maybe', 'error=yes', 'Skip=all', 'skip=A;', 'skip=A;;error=true', 'nope=1'])
      assert.ok('error' in parseCheckOptions(bad), bad);
  });

  it('reports a directive that makes the build fail as an error on its line, in plain words', () => {
    for (const [directive, words] of [
      ['# check=foo', /"foo" is not an option/],
      ['# check=error=maybe', /error=maybe is not true or false/],
      ['# check=skip=JSONArgsRecommended; error=true', /an option is empty/],
      ['# check=skip=JSONArgsRecommended;', /an option is empty/],
      ['# check=Skip=all', /"Skip" is not an option/],
    ] as const) {
      const found = diagnose(lines(directive, 'FROM scratch', 'CMD ./serve')).filter((d) => d.code === 'DS048');
      assert.equal(found.length, 1, directive);
      const [only] = found;
      assert.ok(only);
      assert.equal(only.severity, 'error');
      assert.equal(only.range.start.line, 0);
      assert.match(only.message, words);
    }
  });

  it('reports a second check directive, which makes BuildKit fail, on the second line', () => {
    const found = diagnose(lines('# check=skip=all', '# check=error=true', 'FROM scratch')).filter(
      (d) => d.code === 'DS048',
    );
    assert.deepEqual(
      found.map((d) => [d.range.start.line, d.severity]),
      [[1, 'error']],
    );
  });

  it('ignores what BuildKit ignores: unknown names (with a hint), wrong case, an empty value, a late directive', () => {
    const unknown = diagnose(lines('# check=skip=NoSuchCheck', 'FROM scratch', 'CMD ./serve'));
    assert.deepEqual(
      unknown.filter((d) => d.code === 'DS048').map((d) => d.severity),
      ['hint'],
    );
    assert.deepEqual(checks(unknown), ['JSONArgsRecommended@3']);
    assert.deepEqual(checks(diagnose(lines('# check=skip=jsonargsrecommended', 'FROM scratch', 'CMD ./serve'))), [
      'JSONArgsRecommended@3',
    ]);
    for (const text of [
      lines('# check=', 'FROM scratch', 'CMD ./serve'),
      lines('# syntax=docker/dockerfile:1', '# just a note', '# check=skip=all', '', 'FROM scratch', 'CMD ./serve'),
      lines('# foo=bar', '# check=skip=all', '', 'FROM scratch', 'CMD ./serve'),
    ]) {
      const found = diagnose(text);
      assert.deepEqual(
        found.filter((d) => d.code === 'DS048'),
        [],
      );
      assert.deepEqual(checks(found), [`JSONArgsRecommended@${text.split('\n').length - 1}`], text);
    }
  });

  it('cuts the value at the first space, so a trailing remark is allowed; any case and spacing of the key', () => {
    assert.deepEqual(checks(diagnose(lines('# check=skip=all // old image', 'FROM scratch', 'CMD ./serve'))), []);
    assert.deepEqual(checks(diagnose(lines('#CHECK = skip=JSONArgsRecommended', 'FROM scratch', 'CMD ./serve'))), []);
    assert.deepEqual(checks(diagnose(lines('#!/usr/bin/env docker', '# check=skip=all', 'FROM scratch', 'CMD x'))), []);
  });

  it('reads the directive line as Go does: blanks after "=" still make a directive, a tab does not cut it', () => {
    assert.deepEqual(directiveIn(' check=  '), { key: 'check', value: ' ' });
    assert.equal(directiveIn(' check='), undefined);
    assert.deepEqual(directiveIn('Check \t= skip=A \t'), { key: 'check', value: 'skip=A' });
    // An empty check directive is still the directive (nothing skipped), so a second one fails the build.
    const found = diagnose(lines('# check=   ', '# check=skip=all', 'FROM scratch', 'CMD ./serve'));
    assert.deepEqual(
      found.filter((d) => d.code === 'DS048').map((d) => [d.range.start.line, d.severity]),
      [[1, 'error']],
    );
    assert.deepEqual(checks(found), ['JSONArgsRecommended@4']);
    // Only a space ends the value: with a tab, the rule name is "JSONArgsRecommended\tx", which is no check.
    assert.deepEqual(checks(diagnose(lines('# check=skip=JSONArgsRecommended\tx', 'FROM scratch', 'CMD ./s'))), [
      'JSONArgsRecommended@3',
    ]);
  });

  it('never lets skip silence an experimental check, and runs it only when opted in', () => {
    const body = ['# wrong words', 'ARG version=1', 'FROM scratch'];
    assert.deepEqual(checks(diagnose(lines(...body))), []);
    assert.deepEqual(checks(diagnose(lines('# check=skip=all;experimental=all', ...body))), [
      'InvalidDefinitionDescription@3',
    ]);
    assert.deepEqual(checks(diagnose(lines(...body), undefined, { DS046: 'warning' })), [
      'InvalidDefinitionDescription@2',
    ]);
  });

  it('applies a per-instruction comment to its instruction; a bare "#" breaks the comments, a blank line not', () => {
    const text = lines(
      'FROM scratch',
      '# check=skip=JSONArgsRecommended',
      '',
      '# why: see the wiki',
      'CMD ./one',
      'CMD ./two',
    );
    assert.deepEqual(checks(diagnose(text)), ['JSONArgsRecommended@6', 'MultipleInstructionsDisallowed@5']);
    const reset = lines('FROM scratch', '# check=skip=JSONArgsRecommended', '#', 'CMD ./one');
    assert.deepEqual(checks(diagnose(reset)), ['JSONArgsRecommended@4']);
  });

  it('ignores a per-instruction comment it cannot read, and error= in one', () => {
    assert.deepEqual(checks(diagnose(lines('FROM scratch', '# check=foo', 'CMD ./one'))), ['JSONArgsRecommended@3']);
    const found = diagnose(lines('FROM scratch', '# check=error=true', 'CMD ./one'));
    assert.deepEqual(
      found.filter((d) => checkOf(d)).map((d) => d.severity),
      ['warning'],
    );
    assert.deepEqual(
      found.filter((d) => d.code === 'DS048'),
      [],
    );
  });

  it("silences only the secret names BuildKit itself reports; Dockside's extra names and URLs stay", () => {
    const text = lines(
      '# check=skip=SecretsUsedInArgOrEnv',
      'FROM alpine:3.20',
      'ENV API_TOKEN=x',
      'ENV DB_PASS=x',
      'ENV MIRROR=https://me:hunter2@example.com/repo',
    );
    const found = diagnose(text).filter((d) => d.code === 'DS019');
    assert.deepEqual(
      found.map((d) => d.range.start.line + 1),
      [4, 5],
    );
    assert.deepEqual(
      diagnose(text.replace(/^# check=.*\n/, ''))
        .filter((d) => d.code === 'DS019')
        .map((d) => `${checkOf(d) ?? '-'}@${d.range.start.line + 1}`),
      ['SecretsUsedInArgOrEnv@2', '-@3', '-@4'],
    );
  });

  it('leaves Dockside-only rules alone under skip=all and error=true', () => {
    const found = diagnose(lines('# check=skip=all;error=true', 'FROM node', 'CMD node a.js'));
    assert.deepEqual(
      found.filter((d) => d.code === 'DS001').map((d) => d.severity),
      ['warning'],
    );
    assert.deepEqual(checks(found), []);
  });
});

describe('# hadolint ignore= comments', () => {
  const run = 'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*';
  const codes = (text: string, rules: RuleSettings = {}) => diagnose(text, undefined, rules).map((d) => d.code);

  it('silences the Dockside codes of the named hadolint rules for the instruction right below', () => {
    assert.ok(codes(lines('FROM debian:12', run, 'USER nobody')).includes('DS007'));
    assert.ok(!codes(lines('FROM debian:12', '# hadolint ignore=DL3015', run, 'USER nobody')).includes('DS007'));
    const pinned = { DS049: 'information' } as const;
    assert.ok(codes(lines('FROM debian:12', run, 'USER nobody'), pinned).includes('DS049'));
    assert.ok(
      !codes(lines('FROM debian:12', '# hadolint ignore=DL3015,DL3008', run, 'USER nobody'), pinned).includes('DS049'),
    );
  });

  it('reads a trailing reason and the global form, and nothing that is not exactly a pragma', () => {
    assert.ok(
      !codes(lines('FROM debian:12', '# hadolint ignore=DL3015 # we want docs', run, 'USER nobody')).includes('DS007'),
    );
    assert.ok(!codes(lines('# hadolint global ignore=DL3015', 'FROM debian:12', run, 'USER nobody')).includes('DS007'));
    for (const pragma of ['# hadolint ignore=dl3015', '# hadolint ignore=DL3015 because', '# hadolintignore=DL3015'])
      assert.ok(codes(lines('FROM debian:12', pragma, run, 'USER nobody')).includes('DS007'), pragma);
  });

  it('maps DL3063 (no USER after the last FROM) to DS013, not to a stage-name rule', () => {
    assert.ok(codes(lines('FROM debian:12', 'CMD ["bash"]')).includes('DS013'));
    assert.ok(!codes(lines('# hadolint global ignore=DL3063', 'FROM debian:12', 'CMD ["bash"]')).includes('DS013'));
    assert.ok(
      codes(lines('# hadolint global ignore=DL3063', 'FROM debian:12 AS context', 'CMD ["a"]')).includes('DS040'),
    );
  });

  it('applies only to the very next line, and a code Dockside does not have changes nothing', () => {
    assert.ok(codes(lines('FROM debian:12', '# hadolint ignore=DL3015', '', run, 'USER nobody')).includes('DS007'));
    assert.ok(
      codes(lines('FROM debian:12', '# hadolint ignore=DL3015', '# why', run, 'USER nobody')).includes('DS007'),
    );
    assert.ok(codes(lines('FROM debian:12', '# hadolint ignore=DL9999', run, 'USER nobody')).includes('DS007'));
  });
});

describe('InvalidBaseImagePlatform (DS047): only where the engine knows the base image', () => {
  const engine: DockerfileServiceOptions = {
    targetPlatform: 'linux/amd64',
    imageConfig: (image) =>
      image === 'busybox:1.36'
        ? { platform: 'linux/arm64/v8' }
        : image === 'alpine:3.20'
          ? { platform: 'linux/amd64' }
          : undefined,
  };
  const found = (text: string, options: DockerfileServiceOptions = engine) =>
    new DockerfileService(options)
      .diagnose({ uri: 'p', version: 1, text })
      .filter((d) => d.code === 'DS047')
      .map((d) => [d.range.start.line, d.range.start.character, d.range.end.character]);

  it('warns on the image when the local copy is for another platform than the build', () => {
    assert.deepEqual(found(lines('FROM busybox:1.36', 'CMD ["sh"]')), [[0, 5, 17]]);
    assert.deepEqual(found(lines('FROM --platform=linux/amd64 busybox:1.36 AS tools')), [[0, 28, 40]]);
  });

  it('says nothing when the platforms agree, the image is unknown, or no engine is asked', () => {
    assert.deepEqual(found(lines('FROM alpine:3.20')), []);
    assert.deepEqual(found(lines('FROM --platform=linux/arm64 busybox:1.36')), []);
    assert.deepEqual(found(lines('FROM debian:12')), []);
    assert.deepEqual(found(lines('FROM busybox:1.36'), {}), []);
    assert.deepEqual(found(lines('FROM busybox:1.36 AS base', 'FROM base')), [[0, 5, 17]]);
  });
});

describe('platform names', () => {
  it('reads os/arch/variant and architecture aliases, and never a name Object inherits', () => {
    assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.deepEqual(parsePlatform('amd64'), { os: 'linux', architecture: 'amd64' });
    for (const name of ['constructor', 'linux/constructor', 'linux/__proto__', 'toString'])
      assert.equal(parsePlatform(name), undefined, name);
  });
});

describe('rules that are off unless turned on', () => {
  it('keeps version pinning (DS049) and definition descriptions (DS046) off by default', () => {
    const optIn = DOCKERFILE_RULES.filter((r) => r.optIn).map((r) => r.code);
    assert.deepEqual(optIn, ['DS046', 'DS049']);
    const text = lines('# the version', 'ARG v=1', 'FROM alpine:3.20', 'RUN apk add --no-cache curl', 'USER nobody');
    assert.deepEqual(
      diagnose(text).filter((d) => optIn.includes(d.code)),
      [],
    );
    assert.deepEqual(
      diagnose(text, undefined, { DS049: 'information', DS046: 'warning' })
        .filter((d) => optIn.includes(d.code))
        .map((d) => d.code),
      ['DS046', 'DS049'],
    );
  });
});

describe('lessons and README name the BuildKit checks', () => {
  const lessonText = (id: string) =>
    fs.readFileSync(path.resolve(__dirname, '..', '..', 'media', 'lessons', `${id}.md`), 'utf8');
  it("names each rule's BuildKit checks in the rule's lesson and in the build-checks lesson", () => {
    const table = lessonText('build-checks');
    const missing: string[] = [];
    for (const rule of DOCKERFILE_RULES) {
      for (const check of rule.buildkit ?? []) {
        if (!table.includes(`| ${check} | ${rule.code}`)) missing.push(`${rule.code} ${check} in build-checks`);
        if (!lessonText(rule.lesson).includes(check)) missing.push(`${rule.code} ${check} in ${rule.lesson}`);
      }
    }
    assert.deepEqual(missing, []);
  });
});
