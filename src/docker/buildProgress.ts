import type { BuildkitStatus } from './buildkit/status';
import { applyTrace, type VertexState } from './buildkit/progress';
import { buildkitStepLine } from './buildkit/steps';
import { formatBytes } from './present';

/**
 * Reads the Engine's build stream (`POST /build`, one JSON object per message) into steps, for both of the
 * engine's builders: the classic builder's "Step 3/8 : RUN …" lines, and BuildKit's status updates (decoded by
 * the Docker side into vertexes, logs and warnings). Pure.
 */
export interface BuildStep {
  /**
   * 1-based. The classic builder counts every instruction of the file; BuildKit counts per stage, and only the
   * steps that do work (FROM, RUN, COPY, ADD, WORKDIR).
   */
  number: number;
  total: number;
  instruction: string;
  cached: boolean;
  log: string[];
  /** BuildKit: the stage as it names it (`base`, `stage-1`), '' for a one-stage file. */
  stage?: string;
  /** BuildKit: where the step is. */
  status?: 'waiting' | 'running' | 'done' | 'failed';
  /** BuildKit: start and end, in milliseconds on the engine's clock. */
  started?: number;
  completed?: number;
}

/** A warning BuildKit sent (a build check on engines that run them), with its place when it has one. */
export interface BuildWarning {
  message: string;
  detail: string[];
  url: string;
  /** 0-based lines and characters. */
  range?: { startLine: number; startCharacter: number; endLine: number; endCharacter: number };
  step?: BuildStep;
}

export interface BuildState {
  steps: BuildStep[];
  imageId?: string;
  /** The failure; `stage` is set for BuildKit steps. */
  error?: { message: string; step?: number; stage?: string; vertex?: string };
  /** Tags the builder reported ("Successfully tagged x:y"). */
  tags: string[];
  warnings: BuildWarning[];
  /** BuildKit: every vertex seen, by digest, numbered in the order first seen (as the log shows them). */
  vertexes: Map<string, VertexState>;
}

export interface BuildMessage {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: { ID?: string } | string;
  id?: string;
  status?: string;
  /** A BuildKit status update, decoded. */
  trace?: BuildkitStatus;
  /** The context has been sent: how much, and how long the engine took to read it. */
  sent?: { bytes: number; ms: number };
}

export function newBuildState(): BuildState {
  return { steps: [], tags: [], warnings: [], vertexes: new Map() };
}

/** Applies one message; returns the text to show in the log. */
export function applyBuildMessage(state: BuildState, m: BuildMessage): string {
  if (m.trace) return applyTrace(state, m.trace);
  if (m.sent) return `Sent the build context (${formatBytes(m.sent.bytes)}) in ${(m.sent.ms / 1000).toFixed(1)} s.\n`;
  if (m.error || m.errorDetail) {
    const message = (m.errorDetail?.message ?? m.error ?? 'the build failed').trim();
    if (state.error?.vertex !== undefined) {
      // BuildKit named the failing vertex already; its final message says the same with more context.
      state.error.message = message;
    } else {
      // The classic builder fails in the step it announced last; BuildKit's steps run side by side, so a failure
      // no vertex reported (a parse error) belongs to none of them.
      const current = state.vertexes.size ? undefined : state.steps[state.steps.length - 1];
      state.error = { message, ...(current ? { step: current.number } : {}) };
    }
    return `ERROR: ${message}\n`;
  }
  if (typeof m.aux === 'object' && m.aux?.ID) {
    state.imageId = m.aux.ID;
    return '';
  }
  const text = m.stream ?? m.status ?? '';
  for (const line of text.split('\n')) {
    const step = /^Step (\d+)\/(\d+) : (.*)$/.exec(line);
    if (step) {
      const [, number, total, instruction = ''] = step;
      state.steps.push({
        number: Number(number),
        total: Number(total),
        instruction: instruction.trim(),
        cached: false,
        log: [],
      });
      continue;
    }
    const current = state.steps[state.steps.length - 1];
    if (/^ ---> Using cache$/.test(line) && current) current.cached = true;
    else if (current && line.trim() && !/^ ---> /.test(line) && !/^Removing intermediate container/.test(line)) {
      if (current.log.length < 200) current.log.push(line);
    }
    const built = /^Successfully built ([0-9a-f]+)$/.exec(line);
    if (built && !state.imageId) state.imageId = built[1];
    const tagged = /^Successfully tagged (.+)$/.exec(line);
    if (tagged?.[1]) state.tags.push(tagged[1]);
  }
  return text;
}

/**
 * The classic builder's step `number` on its Dockerfile line (0-based): it numbers every instruction in file order,
 * so step n is the n-th instruction. `instructionLines` are the start lines of the file's instructions, in order.
 */
export function stepLine(instructionLines: number[], number: number): number | undefined {
  return instructionLines[number - 1];
}

/**
 * The Dockerfile line (0-based) a failure belongs to: the failing step's line, or a line the message names
 * ("line 3", "Dockerfile:3") when the failure came before any step ran (a parse error).
 */
export function failureLine(text: string, instructionLines: number[], state: BuildState): number | undefined {
  const error = state.error;
  if (!error) return undefined;
  if (error.stage !== undefined && error.step !== undefined) {
    const step = state.steps.find((s) => s.stage === error.stage && s.number === error.step);
    if (step) return buildkitStepLine(text, { stage: step.stage ?? '', number: step.number, total: step.total });
  } else if (error.step !== undefined) return stepLine(instructionLines, error.step);
  const named = /(?:\bline |Dockerfile:)(\d+)/.exec(error.message);
  return named ? Number(named[1]) - 1 : undefined;
}

/** One line for a progress notification: the step now running (or the last one done) and whether it was cached. */
export function progressMessage(state: BuildState): string | undefined {
  const running = state.steps
    .filter((s) => s.status === 'running')
    .sort((a, b) => (b.started ?? 0) - (a.started ?? 0))[0];
  const step =
    running ??
    (state.vertexes.size
      ? [...state.steps]
          .filter((s) => s.status === 'done' || s.status === 'failed')
          .sort((a, b) => (b.completed ?? 0) - (a.completed ?? 0))[0]
      : state.steps[state.steps.length - 1]);
  if (!step) return undefined;
  const stage = step.stage ? ` of ${step.stage}` : '';
  const how = step.cached ? ' (cached)' : step.status === 'running' ? ' (running)' : '';
  return `step ${step.number}/${step.total}${stage}${how}: ${step.instruction.slice(0, 60)}`;
}
