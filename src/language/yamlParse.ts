import {
  Composer,
  CST,
  Parser,
  YAMLParseError,
  type Document,
  type DocumentOptions,
  type LineCounter,
  type ParseOptions,
  type SchemaOptions,
} from 'yaml';

/** What the parser keeps between tokens: private in its type, the same fields at run time. */
interface ParserState {
  source: string;
  atScalar: boolean;
  atNewLine: boolean;
  indent: number;
  offset: number;
  type: string;
  onNewLine?: (offset: number) => void;
  step(): Generator<CST.Token, void>;
  pop(error?: CST.Token): Generator<CST.Token, void>;
}

/**
 * The yaml package's parser, except that it does not read `process.env.LOG_TOKENS` for every token. Node answers
 * each read of `process.env` from the process environment (some 120 ns), which was a quarter of the time of a
 * parse. The steps are the parser's own (`next` in yaml's parse/parser.js, 2.9): each token goes to the same state
 * machine in the same order, so the tokens that come out are the same; `yamlParse.test.ts` compares both parsers
 * token by token on the corpus and on broken and generated YAML, and fails when an update of yaml changes `next`.
 */
class QuietParser extends Parser {
  override *next(source: string): Generator<CST.Token, void> {
    const p = this as unknown as ParserState;
    p.source = source;
    if (p.atScalar) {
      p.atScalar = false;
      yield* p.step();
      p.offset += source.length;
      return;
    }
    const type = CST.tokenType(source);
    if (!type) {
      yield* p.pop({ type: 'error', offset: p.offset, message: `Not a YAML token: ${source}`, source });
      p.offset += source.length;
      return;
    }
    if (type === 'scalar') {
      p.atNewLine = false;
      p.atScalar = true;
      p.type = 'scalar';
      return;
    }
    p.type = type;
    yield* p.step();
    switch (type) {
      case 'newline':
        p.atNewLine = true;
        p.indent = 0;
        p.onNewLine?.(p.offset + source.length);
        break;
      case 'space':
        if (p.atNewLine && source[0] === ' ') p.indent += source.length;
        break;
      case 'explicit-key-ind':
      case 'map-value-ind':
      case 'seq-item-ind':
        if (p.atNewLine) p.indent += source.length;
        break;
      case 'doc-mode':
      case 'flow-error-end':
        return;
      default:
        p.atNewLine = false;
    }
    p.offset += source.length;
  }
}

/** yaml's options, except `prettyErrors`: errors keep the parser's plain message. */
export type YamlOptions = Omit<ParseOptions, 'prettyErrors'> &
  DocumentOptions &
  SchemaOptions & { lineCounter?: LineCounter };

/**
 * How compose files are read for their checks (readCompose, and the files they include or extend): `<<` merges, as
 * Compose reads it; duplicate keys are found by readCompose's own walk (see there); warnings are not logged.
 */
export const COMPOSE_READ: YamlOptions = { uniqueKeys: false, merge: true, logLevel: 'error' };

/** The CST tokens of a text, as the quiet parser gives them (for the test that compares it with yaml's). */
export function quietTokens(text: string): CST.Token[] {
  return Array.from(new QuietParser().parse(text));
}

/**
 * Every document of a YAML stream, as `parseAllDocuments` reads them with `prettyErrors: false` (errors keep the
 * parser's plain message); none for an empty stream.
 */
export function parseYamlDocuments(text: string, options: YamlOptions = {}): Document.Parsed[] {
  const parser = new QuietParser(options.lineCounter?.addNewLine);
  return Array.from(new Composer(options).compose(parser.parse(text)));
}

/**
 * The first document of a YAML text, as `parseDocument` reads it with `prettyErrors: false`: a second document is
 * an error of the first, and an empty text is an empty document.
 */
export function parseYamlDocument(text: string, options: YamlOptions = {}): Document.Parsed {
  const parser = new QuietParser(options.lineCounter?.addNewLine);
  let doc: Document.Parsed | undefined;
  for (const next of new Composer(options).compose(parser.parse(text), true, text.length)) {
    if (!doc) doc = next;
    else {
      if (doc.options.logLevel !== 'silent') {
        const message = 'Source contains multiple documents; please use YAML.parseAllDocuments()';
        doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', message));
      }
      break;
    }
  }
  return doc!;
}
