import { DockerfileParser, type Dockerfile } from 'dockerfile-ast';

/**
 * dockerfile-utils' validator and every dockerfile-language-service feature call `DockerfileParser.parse(text)`
 * themselves, so a file would be parsed once per feature (~13 ms at 1,000 lines). This remembers the last parse:
 * when Dockside has just parsed a text, the libraries get the same tree for the same text instead of parsing it
 * again. One entry is enough because features run one document at a time; the trees are only read.
 */
const originalParse = DockerfileParser.parse.bind(DockerfileParser);
let last: { text: string; tree: Dockerfile } | undefined;

function parseShared(text: string): Dockerfile {
  if (last && last.text === text) return last.tree;
  const tree = originalParse(text);
  last = { text, tree };
  return tree;
}

DockerfileParser.parse = parseShared;

export { parseShared };
