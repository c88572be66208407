/**
 * The doctor's answer as plain text (for a notification and the report channel), and which containers just got
 * into trouble (for the notification that offers "Why Did It Stop?"). No markup anywhere: engine strings are shown
 * as text, with control characters removed, so nothing they hold can act on the UI.
 */
import { restartLoop, silentPortsOf, startFailed, troubleWhileRunning } from '../present';
import type { ContainerItem } from '../types';
import { CAUSES } from './causes';
import type { Diagnosis } from './diagnose';
import { plainText } from './words';

// eslint-disable-next-line no-control-regex -- engine text may hold escape sequences; none may reach the UI
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** The whole answer, a line each, for a plain-text channel. `display` names a file the way the user sees it. */
export function reportLines(name: string, d: Diagnosis, display: (file: string) => string): string[] {
  const out = [`Why did "${name.replace(CONTROL, '')}" stop?`, '', plainText(d.title), ''];
  for (const p of d.explanation) out.push(plainText(p));
  if (d.fix.length) out.push('', 'What to change:', ...d.fix.map((f) => `  ${plainText(f)}`));
  out.push('');
  if (d.location)
    out.push(`The line: ${display(d.location.file)}:${d.location.line + 1} (${plainText(d.location.what)})`);
  else if (d.noLine) out.push(`No line to open: ${plainText(d.noLine)}`);
  out.push(`Lesson: ${d.lesson} (${CAUSES[d.cause].name})`, '', 'Facts:');
  for (const f of d.facts) out.push(`  ${f.label}: ${f.value.replace(CONTROL, '')}`);
  for (const e of d.evidence) out.push('', `${e.title}:`, ...e.lines.map((l) => `  ${l.replace(CONTROL, '')}`));
  return out;
}

/** Whether the explorer's summary of a container says it is in trouble now. */
export function inTrouble(c: ContainerItem): boolean {
  return (
    (c.state === 'exited' && !!c.exitCode) ||
    c.state === 'dead' ||
    c.state === 'restarting' ||
    c.health === 'unhealthy' ||
    troubleWhileRunning(c) ||
    startFailed(c)
  );
}

/** The trouble in a few words, after the container's name: "keeps restarting", "stopped with exit code 1". */
export function troubleWords(c: ContainerItem): string {
  const silent = silentPortsOf(c)[0];
  if (restartLoop(c)) return `keeps restarting (it stopped ${c.recentExits} times in 10 minutes)`;
  if (c.health === 'unhealthy' && c.state === 'running') return 'is unhealthy';
  if (silent) return `runs, but its published port ${silent.hostPort} does not answer`;
  if (c.state === 'restarting') return 'keeps restarting';
  if (startFailed(c)) return `could not start${c.exitCode ? ` (exit code ${c.exitCode})` : ''}`;
  return `stopped${c.oomKilled ? ', out of memory,' : ''}${c.exitCode ? ` with exit code ${c.exitCode}` : ''}`;
}

/**
 * Remembers each container's trouble and reports the ones that have just got into it. The first look only
 * remembers: failures from before Dockside was watching are not news.
 */
export class TroubleWatch {
  private known: Map<string, boolean> | undefined;

  update(containers: Iterable<ContainerItem>): ContainerItem[] {
    const next = new Map<string, boolean>();
    const fresh: ContainerItem[] = [];
    for (const c of containers) {
      const trouble = inTrouble(c);
      next.set(c.id, trouble);
      if (this.known && trouble && this.known.get(c.id) !== true) fresh.push(c);
    }
    this.known = next;
    return fresh;
  }
}
