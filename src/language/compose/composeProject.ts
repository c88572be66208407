import { isSeq } from 'yaml';
import { extendsChain, type ExtendsChain } from './composeExtends';
import { followIncludes, SECTIONS, type IncludeFindings } from './composeIncludes';
import type { YAMLMap } from 'yaml';
import type { ComposeContext, ComposeHost, Declared } from './composeTypes';
import { isRecord, LinkedFiles, mergeDocument } from './linkedFiles';
import { pair } from './yamlNodes';

/** What the project needs of each document's facts (composeFacts.ts). */
export interface ProjectDocument {
  readonly root: YAMLMap;
  /** The document as plain data. */
  readonly data: unknown;
  readonly context: ComposeContext | undefined;
  /** The names this document declares itself. */
  readonly ownDeclared: Declared;
  interpolate(value: string): string | undefined;
}

/**
 * What one compose file declares as Compose v2 loads it: all its YAML documents (merged in order, as compose-go's
 * loader does) and what its `include:` entries bring in. The documents' facts share one project, so that a name
 * declared in one document or an included file counts in every document.
 */
export class ComposeProject<D extends ProjectDocument = ProjectDocument> {
  readonly documents: D[] = [];
  /** The other files the project reads, when the file is on disk. */
  readonly files: LinkedFiles | undefined;
  private included: IncludeFindings | undefined;
  private merged: Record<string, unknown> | undefined;
  private known: Declared | undefined;
  private readonly chains = new Map<string, ExtendsChain>();

  constructor(readonly file?: { path: string; host: ComposeHost; root?: string }) {
    this.files = file ? new LinkedFiles(file.host, file.root) : undefined;
  }

  /** The documents' plain data merged in order, as Compose merges them. */
  get data(): Record<string, unknown> {
    if (!this.merged) {
      this.merged = {};
      for (const d of this.documents) if (isRecord(d.data)) mergeDocument(this.merged, d.data);
    }
    return this.merged;
  }

  /** What the file's `include:` entries (in every document) bring in, and what is wrong with them. */
  get includes(): IncludeFindings {
    if (this.included) return this.included;
    const items: unknown[] = [];
    for (const d of this.documents) {
      const list = pair(d.root, 'include')?.value;
      if (isSeq(list)) items.push(...list.items);
    }
    const first = this.documents[0];
    const context = first?.context;
    if (!items.length || !this.file || !this.files || !context || !first) {
      this.included = {
        names: Object.fromEntries(SECTIONS.map((s) => [s, new Map()])) as IncludeFindings['names'],
        problems: [],
      };
      return this.included;
    }
    this.included = followIncludes(
      items,
      context.dir,
      this.files.key(this.file.path),
      this.files,
      this.file.host,
      (value) => first.interpolate(value),
    );
    return this.included;
  }

  /** Every name declared in any document or brought in by `include:`. */
  get declared(): Declared {
    if (this.known) return this.known;
    const included = this.includes.names;
    // A single document that includes nothing (most files) declares the project's names itself: no copies.
    const only = this.documents.length === 1 ? this.documents[0] : undefined;
    if (only && SECTIONS.every((s) => included[s].size === 0)) return (this.known = only.ownDeclared);
    const known = Object.fromEntries(SECTIONS.map((s) => [s, new Set<string>()])) as unknown as Declared;
    for (const d of this.documents) for (const s of SECTIONS) for (const n of d.ownDeclared[s]) known[s].add(n);
    for (const s of SECTIONS) for (const n of included[s].keys()) known[s].add(n);
    return (this.known = known);
  }

  /** Whether a service has a setting in any document (a later document may add what an earlier one lacks). */
  serviceHas(service: string, setting: string): boolean {
    const services = this.data.services;
    const settings =
      isRecord(services) && Object.prototype.hasOwnProperty.call(services, service) ? services[service] : undefined;
    return isRecord(settings) && settings[setting] !== undefined;
  }

  /** The services a service extends, nearest first, across files. */
  extendsOf(service: string): ExtendsChain {
    let chain = this.chains.get(service);
    if (!chain) {
      const services = isRecord(this.data.services) ? this.data.services : {};
      chain = extendsChain(service, services, this.file?.path, this.files);
      this.chains.set(service, chain);
    }
    return chain;
  }
}
