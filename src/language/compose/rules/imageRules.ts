import type { Range } from '../../diagnostic';
import { SUGGESTED_TAGS, type QuickFix } from '../../edits';
import { own } from '../../own';
import type { DocksideDiagnostic } from '../../diagnostic';
import type { ComposeRule } from '../ruleTypes';
import { str } from '../yamlNodes';

/** Pins `image: nginx` / `nginx:latest` to a version, offered as a snippet so the tag can be typed over. */
function pinTag(text: string, d: DocksideDiagnostic): QuickFix | undefined {
  const lines = text.split('\n');
  const line = lines[d.range.start.line] ?? '';
  let source = line.slice(d.range.start.character, d.range.end.character);
  const quote = /^["']/.test(source) ? source[0]! : '';
  if (quote) source = source.slice(1, -1);
  const name = source.replace(/:latest$/, '');
  const official = name.replace(/^(docker\.io\/)?(library\/)?/, '');
  const tag = own(SUGGESTED_TAGS, official) ?? 'VERSION';
  const start = d.range.start.character + quote.length + name.length;
  const range: Range = {
    start: { line: d.range.start.line, character: start },
    end: { line: d.range.start.line, character: start + source.length - name.length },
  };
  return {
    title: `Pin "${name}" to a version tag`,
    edits: [{ range, newText: `:${tag}` }],
    snippet: { range, text: `:\${1:${tag}}` },
    isPreferred: true,
  };
}

/** What a service runs: an image (pinned) or a build. */
export const imageRules: ComposeRule[] = [
  {
    code: 'CS004',
    name: 'image-unpinned',
    severity: 'warning',
    lesson: 'base-images',
    service(s, _facts, report) {
      const image = s.get('image');
      const imageName = str(image?.value);
      if (!imageName || s.get('build') || imageName.includes('$') || imageName.includes('@')) return;
      const lastPart = imageName.slice(imageName.lastIndexOf('/') + 1);
      const tag = lastPart.includes(':') ? lastPart.slice(lastPart.lastIndexOf(':') + 1) : undefined;
      if (!tag || tag === 'latest')
        report({
          node: image!.value,
          message:
            `"${imageName}" ` +
            (tag ? 'uses "latest", which moves' : 'has no tag, so Compose pulls "latest", which moves') +
            ` with every release. Pin a version, e.g. "${imageName.replace(/:latest$/, '')}:<version>".`,
        });
    },
    fix: (d, { text }) => pinTag(text, d),
  },
  {
    code: 'CS005',
    name: 'nothing-to-run',
    severity: 'error',
    lesson: 'compose',
    // A service `provider:` runs (Compose 2.36) needs no image; another document of the file may give one.
    service(s, facts, report) {
      const runs = ['image', 'build', 'extends', 'provider'];
      if (!runs.some((k) => s.get(k) || facts.project.serviceHas(s.name, k)))
        report({
          node: s.key,
          message:
            `Service "${s.name}" has neither "image" nor "build", so Compose has nothing to run. ` + 'Add one of them.',
        });
    },
  },
];
