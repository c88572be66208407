import type { From, Instruction } from 'dockerfile-ast';
import type { Range } from '../../diagnostic';
import { editDistance } from '../../editDistance';
import { expandWord } from '../expandWord';
import type { DockerfileFacts, Stage } from '../facts';
import { flagNamed, propertiesOf } from '../instructionParts';
import { isImageReference, parsePlatform } from '../platforms';
import type { DockerfileRule } from '../ruleTypes';

/** Build args every build defines, usable in FROM lines without declaring them. */
export const PREDEFINED_ARGS = [
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDOSVERSION',
  'BUILDARCH',
  'BUILDVARIANT',
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETOSVERSION',
  'TARGETARCH',
  'TARGETVARIANT',
  'TARGETSTAGE',
];

/** The ARGs before the first FROM: name → default (undefined when declared without one). */
export function metaArgs(facts: DockerfileFacts): ReadonlyMap<string, string | undefined> {
  return facts.memo('metaArgs', () => {
    const map = new Map<string, string | undefined>();
    for (const i of facts.preamble) {
      if (i.getKeyword() !== 'ARG') continue;
      for (const p of propertiesOf(i)) map.set(p.getName(), p.getValue() ?? undefined);
    }
    return map;
  });
}

/** A range on the instruction's first line: BuildKit reports every FROM check there. */
function onFirstLine(i: Instruction, range: Range | null | undefined): Range {
  return range && range.start.line === i.getRange().start.line ? range : i.getInstructionRange();
}

/** The closest name within a small edit distance, for "did you mean". */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(c, name);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** The FROM's `as` word and the stage name after it, when the line has exactly `image AS name`. */
function asAndName(from: From): { as: string; asRange: Range; name: string; nameRange: Range } | undefined {
  const args = from.getArguments();
  const [, as, name] = args;
  if (args.length !== 3 || !as || !name) return undefined;
  return { as: as.getValue(), asRange: as.getRange(), name: name.getValue(), nameRange: name.getRange() };
}

/** The `--platform` value of a FROM, with its range. */
function platformOf(from: From): { value: string; range: Range } | undefined {
  const flag = flagNamed(from, 'platform');
  const value = flag?.getValue();
  const range = flag?.getValueRange();
  return flag && value !== null && value !== undefined && range ? { value, range } : undefined;
}

const PLATFORM_SENTINEL = '\u0000target\u0000';

export const fromRules: DockerfileRule[] = [
  {
    code: 'DS036',
    name: 'stage-name-lowercase',
    severity: 'warning',
    lesson: 'multi-stage',
    buildkit: ['StageNameCasing'],
    check(facts, report) {
      for (const { from } of facts.stages) {
        const parts = asAndName(from);
        if (!parts || parts.name === parts.name.toLowerCase()) continue;
        report({
          range: onFirstLine(from, parts.nameRange),
          message:
            `Docker lower-cases stage names, so "${parts.name}" is really "${parts.name.toLowerCase()}". Write it in ` +
            'lower case, as it will be used.',
          data: { replacement: parts.name.toLowerCase() },
        });
      }
    },
    fix: (_facts, d) =>
      d.data?.replacement
        ? {
            title: 'Write the stage name in lower case',
            edits: [{ range: d.range, newText: d.data.replacement }],
            isPreferred: true,
          }
        : undefined,
  },
  {
    code: 'DS039',
    name: 'duplicate-stage-name',
    severity: 'error',
    lesson: 'multi-stage',
    buildkit: ['DuplicateStageName'],
    hadolint: ['DL3024'],
    check(facts, report) {
      const seen = new Map<string, Stage>();
      for (const stage of facts.stages) {
        const parts = asAndName(stage.from);
        if (!parts || parts.as.toLowerCase() !== 'as') continue;
        const key = parts.name.toLowerCase();
        const first = seen.get(key);
        if (!first) {
          seen.set(key, stage);
          continue;
        }
        report({
          range: onFirstLine(stage.from, parts.nameRange),
          message:
            `The stage name "${key}" is already used on line ${first.from.getRange().start.line + 1}. The classic ` +
            'builder refuses the file, and BuildKit cannot tell which of the two "--from" and "FROM" mean. ' +
            'Give each stage its own name.',
        });
      }
    },
  },
  {
    code: 'DS040',
    name: 'reserved-stage-name',
    severity: 'warning',
    lesson: 'multi-stage',
    buildkit: ['ReservedStageName'],
    check(facts, report) {
      for (const { from } of facts.stages) {
        const parts = asAndName(from);
        const key = parts?.name.toLowerCase();
        if (!parts || (key !== 'scratch' && key !== 'context')) continue;
        report({
          range: onFirstLine(from, parts.nameRange),
          message:
            `"${key}" already means something to Docker ` +
            `(${key === 'scratch' ? 'the empty base image' : 'the build context'}), ` +
            'so "FROM" or "--from" with this name is ambiguous. Pick another stage name.',
        });
      }
    },
  },
  {
    code: 'DS041',
    name: 'invalid-default-base',
    severity: 'warning',
    lesson: 'variables',
    buildkit: ['InvalidDefaultArgInFrom'],
    check(facts, report) {
      const defaults = metaArgs(facts);
      for (const stage of facts.stages) {
        const { from } = stage;
        const image = from.getImageName() === null ? undefined : imageWord(facts, from);
        if (image === undefined) continue;
        const expanded = expandWord(image, (n) => defaults.get(n) ?? (defaults.has(n) ? '' : undefined), facts.escape);
        if (expanded.value === undefined) continue;
        const value = expanded.value;
        if (value.toLowerCase() === 'scratch' || facts.isEarlierStageName(value, from) || isImageReference(value))
          continue;
        const hasVariables = expanded.matched.length + expanded.unmatched.length > 0;
        report({
          range: onFirstLine(from, from.getImageRange()),
          // Without variables the name is wrong as written, and the build fails on it.
          ...(hasVariables ? {} : { severity: 'error' as const }),
          message: hasVariables
            ? `With the ARG defaults, "${image}" becomes "${value}", which is ` +
              `${value ? 'not a valid image name' : 'empty'}. ` +
              'Give the ARG a default that makes a whole image name, or the build only works when --build-arg sets it.'
            : `"${image}" is not a valid image name (repository names are lower case; a tag follows one ":"), ` +
              'and the build fails on it.',
        });
      }
    },
  },
  {
    code: 'DS042',
    name: 'redundant-target-platform',
    severity: 'warning',
    lesson: 'multi-stage',
    buildkit: ['RedundantTargetPlatform'],
    hadolint: ['DL3065'],
    check(facts, report) {
      for (const { from } of facts.stages) {
        const platform = platformOf(from);
        if (!platform) continue;
        const e = expandWord(platform.value, (n) => (n === 'TARGETPLATFORM' ? PLATFORM_SENTINEL : undefined));
        if (e.value !== PLATFORM_SENTINEL || e.unmatched.length || e.matched.length !== 1) continue;
        report({
          range: onFirstLine(from, platform.range),
          message:
            '"--platform=$TARGETPLATFORM" asks for what a build does anyway: each stage is built for the target ' +
            'platform unless told otherwise. Remove the flag.',
        });
      }
    },
  },
  {
    code: 'DS043',
    name: 'constant-platform',
    severity: 'warning',
    lesson: 'multi-stage',
    buildkit: ['FromPlatformFlagConstDisallowed'],
    hadolint: ['DL3029'],
    check(facts, report) {
      for (const { from, name } of facts.stages) {
        const platform = platformOf(from);
        if (!platform || platform.value.includes('$')) continue;
        const parsed = parsePlatform(platform.value);
        if (!parsed) continue;
        const stage = (name ?? '').toLowerCase();
        if (stage.includes(parsed.os) || stage.includes(parsed.architecture)) continue;
        report({
          range: onFirstLine(from, platform.range),
          message:
            `"--platform=${platform.value}" pins this stage to one platform, so building for another one ` +
            'silently mixes platforms (or emulates). Use $BUILDPLATFORM or $TARGETPLATFORM, or name the stage ' +
            `after the platform (e.g. "AS build-${parsed.architecture}") to show it is meant.`,
        });
      }
    },
  },
  {
    code: 'DS046',
    name: 'definition-description',
    severity: 'warning',
    lesson: 'variables',
    buildkit: ['InvalidDefinitionDescription'],
    optIn: true,
    check(facts, report) {
      const describe = (i: Instruction, keys: string[], what: string) => {
        const comments = facts.commentsAbove(i);
        if (comments.length === 0 || keys.length === 0) return;
        const first = comments[comments.length - 1]?.split(' ')[0] ?? '';
        if (keys.includes(first)) return;
        const key = keys.length === 1 ? keys[0] : '<name>';
        report({
          range: i.getInstructionRange(),
          message:
            `The comment above this ${what} should describe it and start with its name: "# ${key} <description>". ` +
            'Separate an unrelated comment with an empty "#" line.',
        });
      };
      for (const i of facts.preamble)
        if (i.getKeyword() === 'ARG')
          describe(
            i,
            propertiesOf(i).map((p) => p.getName()),
            'ARG',
          );
      for (const stage of facts.stages) {
        const parts = asAndName(stage.from);
        if (parts && parts.as.toLowerCase() === 'as') describe(stage.from, [parts.name.toLowerCase()], 'stage');
        for (const i of stage.instructions)
          if (i.getKeyword() === 'ARG')
            describe(
              i,
              propertiesOf(i).map((p) => p.getName()),
              'ARG',
            );
      }
    },
  },
  {
    code: 'DS047',
    name: 'base-image-platform',
    severity: 'warning',
    lesson: 'base-images',
    buildkit: ['InvalidBaseImagePlatform'],
    check(facts, report) {
      const { imageConfig, targetPlatform } = facts.env;
      if (!imageConfig) return;
      for (const { from } of facts.stages) {
        const image = from.getImage();
        if (!image || image.includes('$') || image.toLowerCase() === 'scratch' || facts.isEarlierStageName(image, from))
          continue;
        const actual = imageConfig(image)?.platform;
        const flag = platformOf(from);
        const expectedText = flag && !flag.value.includes('$') ? flag.value : targetPlatform;
        const have = actual ? parsePlatform(actual) : undefined;
        const want = expectedText ? parsePlatform(expectedText) : undefined;
        if (!have || !want || (have.os === want.os && have.architecture === want.architecture)) continue;
        report({
          range: onFirstLine(from, from.getImageRange()),
          message:
            `The local "${image}" is for ${actual}, but this stage builds for ${expectedText}. Pull the image for ` +
            `${expectedText} (docker pull --platform ${expectedText} ${image}), or build for ${actual}.`,
        });
      }
    },
  },
];

/** The FROM's image word as written (variables unexpanded), or undefined. */
function imageWord(facts: DockerfileFacts, from: From): string | undefined {
  const range = from.getImageRange();
  if (!range) return undefined;
  return facts.text.slice(facts.offsetAt(range.start), facts.offsetAt(range.end));
}
