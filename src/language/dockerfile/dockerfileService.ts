import { DockerfileParser, type Dockerfile } from 'dockerfile-ast';
import { compareDiagnostics, type DocksideDiagnostic, type Position } from '../diagnostic';
import { VersionedCache } from '../documentCache';
import { dockerfileHover, type HoverResult } from './hover';
import { syntaxDiagnostics } from './syntaxDiagnostics';

/** What the editor and the CLI need to know about one Dockerfile text. */
export interface DockerfileDocument {
  uri: string;
  version: number;
  text: string;
}

/**
 * The Dockerfile language service: diagnostics and hover for a document, each computed once per document version.
 * Pure: no `vscode` import, usable from the CLI and from tests.
 */
export class DockerfileService {
  private readonly parses = new VersionedCache<Dockerfile | undefined>();
  private readonly diagnostics = new VersionedCache<DocksideDiagnostic[]>();

  parse(doc: DockerfileDocument): Dockerfile | undefined {
    return this.parses.get(doc.uri, doc.version, () => {
      try {
        return DockerfileParser.parse(doc.text);
      } catch {
        return undefined;
      }
    });
  }

  diagnose(doc: DockerfileDocument): DocksideDiagnostic[] {
    return this.diagnostics.get(doc.uri, doc.version, () => syntaxDiagnostics(doc.text).sort(compareDiagnostics));
  }

  hover(doc: DockerfileDocument, pos: Position): HoverResult | undefined {
    const dockerfile = this.parse(doc);
    if (!dockerfile) return undefined;
    try {
      return dockerfileHover(dockerfile, doc.text, pos);
    } catch {
      return undefined;
    }
  }

  forget(uri: string): void {
    this.parses.delete(uri);
    this.diagnostics.delete(uri);
  }
}
