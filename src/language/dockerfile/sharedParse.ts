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
  'getArguments',
  'getRawArguments',
  'getTextContent',
  'getArgumentsContent',
  'getRawArgumentsContent',
  'getArgumentsRange',
  'getVariables',
  'getFlags',
  'getProperties',
  'getJSONStrings',
  'getHeredocs',
  'getKeyword',
  'getInstructionRange',
  'getImage',
  'getImageName',
  'getImageTag',
  'getImageDigest',
  'getImageRange',
  'getImageNameRange',
  'getImageTagRange',
  'getImageDigestRange',
  'getBuildStage',
  'getBuildStageRange',
  'getRegistry',
  'getRegistryRange',
];
/** Stands for a remembered `undefined` (a slot that is `undefined` has not been asked yet). */
const NOTHING = Symbol('dockside.nothing');

type RangeLike = { start: unknown; end: unknown };
const isRange = (v: unknown): v is RangeLike =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'start' in v && 'end' in v;

/**
 * dockerfile-ast reassigns `start`/`end` of the range FROM's getImageRange gives back (in getImageNameRange and
 * getImageTagRange), so remembered ranges go out as shallow copies. Nothing else in the tree is written to.
 */
const handOut = (v: unknown): unknown => (isRange(v) ? { start: v.start, end: v.end } : v);

/**
 * An instruction's arguments without its flags, remembered here rather than by the getter cache below, for two
 * reasons. dockerfile-ast drops the flags with one `shift()` per flag, and each shift moves the whole array: a RUN
 * line of 24,000 `--mount` flags took 1.2 s, four times what half of them took; one slice does it in one pass. And
 * getFlags collects the flags by reading getArguments: a cache that remembered that read (every argument, flags
 * included) gave `FROM --platform=… node AS build` no stage name whenever getFlags was asked first.
 */
type Flagged = Record<symbol, unknown> & { getFlags(): unknown[] };
const modifiableProto = ast.ModifiableInstruction.prototype as unknown as Record<string, unknown>;
const originalGetFlags = modifiableProto.getFlags as (this: Flagged) => unknown[];
const allArguments = (self: Flagged) =>
  ((ast.Instruction.prototype as unknown as Record<string, unknown>).getArguments as () => unknown[]).call(self);
const COLLECTING = Symbol('dockside.collectingFlags');
const WITHOUT_FLAGS = Symbol('dockside.argumentsWithoutFlags');
modifiableProto.getFlags = function getFlags(this: Flagged) {
  if (this[COLLECTING]) return originalGetFlags.call(this);
  this[COLLECTING] = true;
  try {
    return originalGetFlags.call(this);
  } finally {
    this[COLLECTING] = false;
  }
};
modifiableProto.getArguments = function getArguments(this: Flagged) {
  const known = this[WITHOUT_FLAGS] as unknown[] | undefined;
  if (known) return known;
  const all = allArguments(this);
  if (this[COLLECTING]) return all;
  const flags = this.getFlags();
  const args = flags.length > 0 ? all.slice(flags.length) : all;
  this[WITHOUT_FLAGS] = args;
  return args;
};

for (const exported of Object.values(ast)) {
  if (typeof exported !== 'function' || !exported.prototype) continue;
  const proto = exported.prototype as unknown as Record<string, unknown>;
  for (const name of GETTERS) {
    const original = Object.prototype.hasOwnProperty.call(proto, name) ? proto[name] : undefined;
    if (typeof original !== 'function' || original.length !== 0) continue;
    if (proto === modifiableProto && name === 'getArguments') continue; // remembered above
    // One slot per class and getter: a subclass's getter may call its parent's through `super`, with a different
    // answer. A property per slot, not a Map per instance: these run hundreds of thousands of times on a large
    // file, most of them before the JIT has compiled anything, and the first diagnose is what users wait for.
    const slot = Symbol(`${exported.name}.${name}`);
    const call = original as () => unknown;
    proto[name] = name.endsWith('Range')
      ? function memoized(this: Record<symbol, unknown>) {
          let v = this[slot];
          if (v === undefined) {
            v = call.call(this);
            this[slot] = v === undefined ? NOTHING : v;
          }
          return v === NOTHING ? undefined : handOut(v);
        }
      : function memoized(this: Record<symbol, unknown>) {
          let v = this[slot];
          if (v === undefined) {
            v = call.call(this);
            this[slot] = v === undefined ? NOTHING : v;
          }
          return v === NOTHING ? undefined : v;
        };
  }
}

export { parseShared };

/**
 * Variable lookups in dockerfile-ast scan every ENV and ARG of the stage (and every FROM of the file) for each
 * variable they resolve, and the validator resolves every variable of the file: a file of 4,000 ARG/ENV pairs took
 * 3.7 s. The same answers come from an index per stage, built once per tree: for each name, its definitions in
 * order, so the last one above a line is a binary search away. The original methods stay reachable for the test
 * that compares both (test/unit/sharedParse.test.ts).
 */
type Definition = { line: number; value: string | null };
type PropertyLike = { getName(): string; getValue(): string | null };
type DefiningInstruction = {
  getRange(): { start: { line: number } };
  getProperties(): PropertyLike[];
  getProperty(): PropertyLike | null;
};
type Template = {
  getENVs(): DefiningInstruction[];
  getARGs(): DefiningInstruction[];
  getFROMs(): { getRange(): { start: { line: number }; end: { line: number } } }[];
};
type Tree = Template & {
  initialInstructions: Template;
  getContainingImage(position: {
    line: number;
    character: number;
  }): (Template & { resolveVariable(v: string, l: number): string | null | undefined }) | null;
};

const indexes = new WeakMap<object, { envs: Map<string, Definition[]>; args: Map<string, Definition[]> }>();

function variableIndex(template: Template): { envs: Map<string, Definition[]>; args: Map<string, Definition[]> } {
  let index = indexes.get(template);
  if (index) return index;
  const add = (map: Map<string, Definition[]>, name: string, def: Definition) => {
    const list = map.get(name);
    if (list) list.push(def);
    else map.set(name, [def]);
  };
  const envs = new Map<string, Definition[]>();
  for (const env of template.getENVs()) {
    // The first property of that name in one ENV is the one a lookup finds.
    const seen = new Set<string>();
    for (const p of env.getProperties()) {
      if (seen.has(p.getName())) continue;
      seen.add(p.getName());
      add(envs, p.getName(), { line: env.getRange().start.line, value: p.getValue() });
    }
  }
  const args = new Map<string, Definition[]>();
  for (const arg of template.getARGs()) {
    const p = arg.getProperty();
    if (p) add(args, p.getName(), { line: arg.getRange().start.line, value: p.getValue() });
  }
  index = { envs, args };
  indexes.set(template, index);
  return index;
}

/** The last definition that starts on a line above `line` (dockerfile-ast's `isBefore`), by binary search. */
function lastBefore(defs: Definition[] | undefined, line: number): Definition | undefined {
  if (!defs) return undefined;
  let lo = 0;
  let hi = defs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (defs[mid]!.line < line) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? defs[lo - 1] : undefined;
}

// Neither the Dockerfile class nor its parent ImageTemplate (the class of a build stage) is exported: a parsed
// tree's prototype chain holds both.
const dockerfileProto = Object.getPrototypeOf(originalParse('FROM scratch\n')) as Record<string, unknown>;
const templateProto = Object.getPrototypeOf(dockerfileProto) as Record<string, unknown>;
const ImageTemplate = templateProto.constructor as new () => {
  addInstruction(i: unknown): void;
  resolveVariable(v: string, l: number): string | null | undefined;
};
const instructionProto = ast.Instruction.prototype as unknown as Record<string, unknown>;

type Pos = { line: number; character: number };
type RangeOf = { start: Pos; end: Pos };
const before = (a: Pos, b: Pos) => a.line < b.line || (a.line === b.line && a.character <= b.character);
const inside = (p: Pos, r: RangeOf) => before(r.start, p) && before(p, r.end);

/**
 * The stage (or the part before the first FROM) that holds a position. The original scans every stage, and the
 * variable lookups ask it for every variable: a file of many stages cost the square of its length. Stages follow
 * each other without overlapping, so a binary search over their starts gives the same answer.
 */
function containingImage(
  this: Tree & { buildStages: { getRange(): RangeOf }[]; document: { getText(): string; positionAt(o: number): Pos } },
  position: Pos,
): unknown {
  const whole = { start: { line: 0, character: 0 }, end: this.document.positionAt(this.document.getText().length) };
  if (!inside(position, whole)) return null;
  const initial = this.initialInstructions as Template & {
    getComments(): unknown[];
    getInstructions(): unknown[];
    getRange(): RangeOf;
  };
  if (
    (initial.getComments().length > 0 || initial.getInstructions().length > 0) &&
    inside(position, initial.getRange())
  )
    return initial;
  const stages = this.buildStages;
  let lo = 0;
  let hi = stages.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(stages[mid]!.getRange().start, position)) lo = mid + 1;
    else hi = mid;
  }
  const candidate = lo > 0 ? stages[lo - 1] : undefined;
  return candidate && inside(position, candidate.getRange()) ? candidate : this;
}

export const ORIGINAL_LOOKUPS = {
  containingImage: dockerfileProto.getContainingImage as (this: unknown, position: Pos) => unknown,
  templateResolve: templateProto.resolveVariable as (
    this: unknown,
    variable: string,
    line: number,
  ) => string | null | undefined,
  treeResolve: dockerfileProto.resolveVariable as (
    this: unknown,
    variable: string,
    line: number,
  ) => string | null | undefined,
  isBuildVariable: instructionProto.isBuildVariable as (
    this: unknown,
    variable: string,
    line: number,
  ) => boolean | undefined,
};

templateProto.resolveVariable = function resolveVariable(
  this: Template,
  variable: string,
  line: number,
): string | null | undefined {
  const { envs, args } = variableIndex(this);
  const env = lastBefore(envs.get(variable), line);
  if (env) return env.value;
  return lastBefore(args.get(variable), line)?.value;
};

instructionProto.isBuildVariable = function isBuildVariable(
  this: { getKeyword(): string; dockerfile: Tree },
  variable: string,
  line: number,
): boolean | undefined {
  if (this.getKeyword() === 'FROM') return ORIGINAL_LOOKUPS.isBuildVariable.call(this, variable, line);
  const image = this.dockerfile.getContainingImage({ line, character: 0 });
  if (!image) return ORIGINAL_LOOKUPS.isBuildVariable.call(this, variable, line);
  const { envs, args } = variableIndex(image);
  if (lastBefore(envs.get(variable), line)) return false;
  return lastBefore(args.get(variable), line) ? true : undefined;
};

/** Per tree: the lines that FROM instructions span, and a template of the ARGs before the first FROM. */
const treeFacts = new WeakMap<
  object,
  { fromLines: Set<number>; initial: { resolveVariable(v: string, l: number): string | null | undefined } }
>();

{
  dockerfileProto.getContainingImage = containingImage;
  dockerfileProto.resolveVariable = function resolveVariable(
    this: Tree,
    variable: string,
    line: number,
  ): string | null | undefined {
    let facts = treeFacts.get(this);
    if (!facts) {
      const fromLines = new Set<number>();
      for (const from of this.getFROMs())
        for (let l = from.getRange().start.line; l <= from.getRange().end.line; l++) fromLines.add(l);
      const initial = new ImageTemplate();
      for (const arg of this.initialInstructions.getARGs()) initial.addInstruction(arg);
      facts = { fromLines, initial };
      treeFacts.set(this, facts);
    }
    if (facts.fromLines.has(line)) return facts.initial.resolveVariable(variable, line);
    const image = this.getContainingImage({ line, character: 0 });
    if (image === null) return undefined;
    // On a line outside every stage the containing image is the tree itself, where the original recursed until the
    // stack ran out; the stage lookup over the whole tree answers instead.
    const stageLookup = templateProto.resolveVariable as (
      this: unknown,
      v: string,
      l: number,
    ) => string | null | undefined;
    const resolved =
      (image as unknown) === this ? stageLookup.call(this, variable, line) : image.resolveVariable(variable, line);
    return resolved === null ? facts.initial.resolveVariable(variable, line) : resolved;
  };
}
