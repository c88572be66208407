import { TextDecoder } from 'node:util';
import type { BuildState, BuildStep } from '../buildProgress';
import { formatBytes } from '../present';
import type { BuildkitStatus } from './status';
import { parseStepName } from './steps';

/** What the log knows of one vertex: its number in the log, its step (if it is one) and what has been shown. */
export interface VertexState {
  n: number;
  name: string;
  step?: BuildStep;
  started?: number;
  completed?: number;
  shownStart: boolean;
  shownEnd: boolean;
  /** Output bytes are decoded per vertex: a character may be split between two messages. */
  decoder: TextDecoder;
  /** The start of a line whose end has not come yet. */
  partial: string;
  /** Status ids already shown as done. */
  statusesDone: Set<string>;
}

const MAX_STEP_LOG = 200;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Applies one BuildKit status update to the build state; returns the lines for the build log. Each vertex gets a
 * number when first seen, and every line about it starts with that number (`#4 …`), because BuildKit runs
 * independent steps side by side and their output interleaves.
 */
export function applyTrace(state: BuildState, status: BuildkitStatus): string {
  let out = '';
  const vertexOf = (digest: string, name = ''): VertexState => {
    let v = state.vertexes.get(digest);
    if (!v) {
      v = {
        n: state.vertexes.size + 1,
        name,
        shownStart: false,
        shownEnd: false,
        decoder: new TextDecoder(),
        partial: '',
        statusesDone: new Set(),
      };
      state.vertexes.set(digest, v);
      const parsed = parseStepName(name);
      if (parsed) {
        v.step = {
          number: parsed.number,
          total: parsed.total,
          instruction: parsed.instruction,
          stage: parsed.stage,
          cached: false,
          log: [],
          status: 'waiting',
        };
        state.steps.push(v.step);
      }
    }
    return v;
  };

  for (const raw of status.vertexes) {
    const v = vertexOf(raw.digest, raw.name);
    v.started ??= raw.started;
    if (raw.completed) v.completed = raw.completed;
    const step = v.step;
    if (step) {
      step.cached ||= raw.cached;
      step.started = v.started;
      step.completed = v.completed;
      step.status = raw.error ? 'failed' : v.completed ? 'done' : v.started ? 'running' : 'waiting';
    }
    if (v.started && !v.shownStart && !(raw.cached && v.completed)) {
      v.shownStart = true;
      out += `#${v.n} ${v.name}\n`;
    }
    if (v.completed && !v.shownEnd) {
      v.shownEnd = true;
      out += flushPartial(v);
      if (raw.error) {
        out += `#${v.n} ERROR: ${raw.error}\n`;
        state.error ??= {
          message: raw.error,
          vertex: v.name,
          ...(step ? { step: step.number, stage: step.stage } : {}),
        };
      } else if (raw.cached) out += `#${v.n} ${v.name} CACHED\n`;
      else out += `#${v.n} DONE ${v.started ? seconds(v.completed - v.started) : ''}\n`.replace(/ \n$/, '\n');
    }
  }

  for (const log of status.logs) {
    const v = vertexOf(log.vertex);
    const text = v.partial + v.decoder.decode(log.msg, { stream: true });
    const lines = text.split(/\r?\n/);
    v.partial = lines.pop() ?? '';
    for (const line of lines) {
      out += `#${v.n} ${line}\n`;
      if (v.step && v.step.log.length < MAX_STEP_LOG) v.step.log.push(line);
    }
  }

  for (const s of status.statuses) {
    const v = vertexOf(s.vertex);
    if (!s.completed || v.statusesDone.has(s.id)) continue;
    v.statusesDone.add(s.id);
    out += `#${v.n} ${s.name || s.id}${s.current ? ` ${formatBytes(s.current)}` : ''} done\n`;
  }

  for (const w of status.warnings) {
    const v = vertexOf(w.vertex);
    const r = w.ranges[0];
    state.warnings.push({
      message: w.short,
      detail: w.detail,
      url: w.url,
      ...(r
        ? {
            range: {
              startLine: r.start.line - 1,
              startCharacter: r.start.character,
              endLine: r.end.line - 1,
              endCharacter: r.end.character,
            },
          }
        : {}),
      ...(v.step ? { step: v.step } : {}),
    });
    out += `#${v.n} WARNING: ${w.short}\n`;
  }
  return out;
}

function flushPartial(v: VertexState): string {
  const rest = v.partial + v.decoder.decode();
  v.partial = '';
  if (!rest) return '';
  if (v.step && v.step.log.length < MAX_STEP_LOG) v.step.log.push(rest);
  return `#${v.n} ${rest}\n`;
}
