import type { From } from 'dockerfile-ast';
import { caret, SUGGESTED_TAGS } from '../../edits';
import { own } from '../../own';
import type { DockerfileFacts } from '../facts';
import { instructionAt } from '../fixHelpers';
import type { DockerfileRule } from '../ruleTypes';

/** Official images that publish much smaller `-slim` and/or `-alpine` variants of the same version. */
export const SMALLER_VARIANTS: Readonly<Record<string, readonly string[]>> = {
  node: ['slim', 'alpine'],
  python: ['slim', 'alpine'],
  ruby: ['slim', 'alpine'],
  golang: ['alpine'],
  php: ['alpine'],
  perl: ['slim'],
  debian: ['slim'],
  openjdk: ['slim'],
  rust: ['slim', 'alpine'],
  elixir: ['slim', 'alpine'],
  erlang: ['slim', 'alpine'],
  haskell: ['slim'],
  httpd: ['alpine'],
  nginx: ['alpine'],
  postgres: ['alpine'],
  redis: ['alpine'],
};

/** `docker.io/library/node` and `library/node` are `node`. */
export function officialName(image: string): string {
  return image.replace(/^(docker\.io\/|index\.docker\.io\/|registry-1\.docker\.io\/)?(library\/)?/, '').toLowerCase();
}

/** The image a FROM names, unless it is `scratch`, an earlier stage, or built from variables. */
export function fromImage(facts: DockerfileFacts, from: From): string | undefined {
  const name = from.getImageName();
  if (!name || name.includes('$')) return undefined;
  if (name.toLowerCase() === 'scratch' || facts.isEarlierStageName(name, from)) return undefined;
  return name;
}

export const baseImageRules: DockerfileRule[] = [
  {
    code: 'DS001',
    name: 'base-image-unpinned',
    severity: 'warning',
    lesson: 'base-images',
    hadolint: ['DL3006', 'DL3007'],
    check(facts, report) {
      for (const { from } of facts.stages) {
        const image = fromImage(facts, from);
        if (!image || from.getImageDigest()) continue;
        const tag = from.getImageTag();
        if (tag?.includes('$')) continue;
        if (!tag) {
          report({
            range: from.getImageNameRange()!,
            message:
              `The base image "${image}" has no tag, so Docker uses "latest", which changes under you. Pin a ` +
              `version, e.g. "${image}:<version>".`,
            data: { image },
          });
        } else if (tag === 'latest') {
          report({
            range: from.getImageTagRange()!,
            message:
              `"${image}:latest" moves whenever a new version is published, so rebuilds are not repeatable. Pin a ` +
              'version tag (or a digest).',
            data: { image },
          });
        }
      }
    },
    fix(facts, d) {
      const image = d.data?.image ?? '';
      const tag = own(SUGGESTED_TAGS, officialName(image)) ?? 'VERSION';
      const from = instructionAt(facts, d) as From;
      const tagRange = from.getImageTagRange();
      const range = tagRange
        ? { start: { line: tagRange.start.line, character: tagRange.start.character - 1 }, end: tagRange.end }
        : caret(d.range.end.line, d.range.end.character);
      return {
        title: `Pin "${image}" to a version tag`,
        edits: [{ range, newText: `:${tag}` }],
        snippet: { range, text: `:\${1:${tag}}` },
        isPreferred: true,
      };
    },
  },
  {
    code: 'DS002',
    name: 'base-image-large',
    severity: 'information',
    lesson: 'base-images',
    check(facts, report) {
      const stage = facts.finalStage;
      if (!stage) return;
      const image = fromImage(facts, stage.from);
      if (!image) return;
      const variants = own(SMALLER_VARIANTS, officialName(image));
      const tag = stage.from.getImageTag() ?? '';
      if (!variants || /slim|alpine|distroless|busybox|windows|nanoserver|\$/.test(tag)) return;
      const base = tag && tag !== 'latest' ? `${image}:${tag}-` : `${image}:`;
      const suggestions = variants.map((v) => `"${base}${v}"`).join(' or ');
      report({
        range: stage.from.getImageRange()!,
        message:
          `"${image}${tag ? ':' + tag : ''}" is a full image with compilers and tools the app rarely needs at run ` +
          `time. Consider ${suggestions} for a much smaller, safer final image.`,
        data: { image, variant: `${base}${variants[0]}` },
      });
    },
    fix(_facts, d) {
      const variant = d.data?.variant;
      return variant ? { title: `Use "${variant}"`, edits: [{ range: d.range, newText: variant }] } : undefined;
    },
  },
];
