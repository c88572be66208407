import type { DocksideDiagnostic, Range } from '../diagnostic';
import type { QuickFix } from '../dockerfile/quickFixes';

const at = (line: number, character: number): Range => ({ start: { line, character }, end: { line, character } });

/** Quick fixes for a compose diagnostic, plus "ignore" actions. Edits are computed from the text alone. */
export function composeQuickFixes(text: string, d: DocksideDiagnostic): QuickFix[] {
  const lines = text.split('\n');
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const fixes: QuickFix[] = [];
  const line = d.range.start.line;
  switch (d.code) {
    case 'CS003':
      fixes.push({ title: 'Remove the obsolete "version"', edits: [{ range: { start: at(line, 0).start, end: at(line + 1, 0).start }, newText: '' }], isPreferred: true });
      break;
    case 'CS013':
      if (d.data?.quoted) fixes.push({ title: `Quote it: ${d.data.quoted}`, edits: [{ range: d.range, newText: d.data.quoted }], isPreferred: true });
      break;
    case 'CS006':
    case 'CS007': {
      const section = d.data?.section;
      const name = d.data?.name;
      if (!section || !name) break;
      const header = lines.findIndex((l) => new RegExp(`^${section}:\\s*(#.*)?\\r?$`).test(l));
      const edit =
        header >= 0
          ? { range: at(header + 1, 0), newText: `  ${name}:${nl}` }
          : { range: at(lines.length - (text.endsWith('\n') ? 1 : 0), 0), newText: `${text.endsWith('\n') || text === '' ? '' : nl}${section}:${nl}  ${name}:${nl}` };
      fixes.push({ title: `Declare ${section === 'networks' ? 'network' : 'volume'} "${name}" at the top level`, edits: [edit], isPreferred: true });
      break;
    }
    default:
      break;
  }
  const indent = /^\s*/.exec(lines[line] ?? '')![0];
  fixes.push({ title: `Ignore ${d.code} here`, edits: [{ range: at(line, 0), newText: `${indent}# dockside-ignore ${d.code}${nl}` }] });
  fixes.push({ title: `Ignore ${d.code} in this file`, edits: [{ range: at(0, 0), newText: `# dockside-ignore-file ${d.code}${nl}` }] });
  return fixes;
}
