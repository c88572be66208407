import * as ast from 'dockerfile-ast';
import type { Dockerfile } from 'dockerfile-ast';

/**
 * dockerfile-utils' validator and every dockerfile-language-service feature call `DockerfileParser.parse(text)`
 * themselves, so a file would be parsed once per feature (~13 ms at 1,000 lines). This remembers the last parse:
 * when Dockside has just parsed a text, the libraries get the same tree for the same text instead of parsing it
 * again. One entry is enough because features run one document at a time; the trees are only read.
 */
const originalParse = ast.DockerfileParser.parse.bind(ast.DockerfileParser);
let last: { text: string; tree: Dockerfile } | undefined;

function parseShared(text: string): Dockerfile {
  if (last && last.text === text) return last.tree;
  const tree = originalParse(text);
  last = { text, tree };
  return tree;
}

ast.DockerfileParser.parse = parseShared;

/**
 * dockerfile-ast's getters re-scan the instruction text on every call, and the validator and Dockside's rules ask
 * the same instruction many times: a 100 KB FROM line took seconds. Once parsed a tree is only read, so each
 * zero-argument getter below remembers its first answer per instance.
 */
const GETTERS = [
  'getArguments', 'getArgumentsContent', 'getRawArgumentsContent', 'getArgumentsRange', 'getVariables', 'getFlags',
  'getProperties', 'getJSONStrings', 'getHeredocs', 'getKeyword', 'getInstructionRange',
  'getImage', 'getImageName', 'getImageTag', 'getImageDigest', 'getImageRange', 'getImageNameRange', 'getImageTagRange',
  'getImageDigestRange', 'getBuildStage', 'getBuildStageRange', 'getRegistry', 'getRegistryRange',
];
const MEMO = Symbol('dockside.memo');

type RangeLike = { start: unknown; end: unknown };
const isRange = (v: unknown): v is RangeLike => typeof v === 'object' && v !== null && !Array.isArray(v) && 'start' in v && 'end' in v;

/**
 * dockerfile-ast reassigns `start`/`end` of the range FROM's getImageRange gives back (in getImageNameRange and
 * getImageTagRange), so remembered ranges go out as shallow copies. Nothing else in the tree is written to.
 */
const handOut = (v: unknown): unknown => (isRange(v) ? { start: v.start, end: v.end } : v);

for (const exported of Object.values(ast)) {
  if (typeof exported !== 'function' || !exported.prototype) continue;
  const proto = exported.prototype as unknown as Record<string, unknown>;
  for (const name of GETTERS) {
    const original = Object.prototype.hasOwnProperty.call(proto, name) ? proto[name] : undefined;
    if (typeof original !== 'function' || original.length !== 0) continue;
    // Keyed by class too: a subclass's getter may call its parent's through `super`, with a different answer.
    const key = `${exported.name}.${name}`;
    proto[name] = function memoized(this: { [MEMO]?: Map<string, unknown> }) {
      const memo = (this[MEMO] ??= new Map());
      if (!memo.has(key)) memo.set(key, (original as () => unknown).call(this));
      return handOut(memo.get(key));
    };
  }
}

export { parseShared };
