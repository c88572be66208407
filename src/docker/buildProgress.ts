/**
 * Reads the Engine's build stream (`POST /build`, one JSON object per message) into steps: "Step 3/8 : RUN …",
 * whether the step came from the cache, the image id at the end, or the error and the step it failed in. Works
 * for the classic builder, which is what the Engine API drives without a BuildKit session. Pure.
 */
export interface BuildStep {
  /** 1-based, as the builder counts (every instruction of the file, all stages). */
  number: number;
  total: number;
  instruction: string;
  cached: boolean;
  log: string[];
}

export interface BuildState {
  steps: BuildStep[];
  imageId?: string;
  error?: { message: string; step?: number };
  /** Tags the builder reported ("Successfully tagged x:y"). */
  tags: string[];
}

export interface BuildMessage {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: { ID?: string };
  status?: string;
}

export function newBuildState(): BuildState {
  return { steps: [], tags: [] };
}

/** Applies one message; returns the text to show in the log (without the builder's ANSI noise). */
export function applyBuildMessage(state: BuildState, m: BuildMessage): string {
  if (m.error || m.errorDetail) {
    const message = (m.errorDetail?.message ?? m.error ?? 'the build failed').trim();
    const current = state.steps[state.steps.length - 1];
    state.error = { message, ...(current ? { step: current.number } : {}) };
    return `ERROR: ${message}\n`;
  }
  if (m.aux?.ID) {
    state.imageId = m.aux.ID;
    return '';
  }
  const text = m.stream ?? m.status ?? '';
  for (const line of text.split('\n')) {
    const step = /^Step (\d+)\/(\d+) : (.*)$/.exec(line);
    if (step) {
      state.steps.push({
        number: Number(step[1]),
        total: Number(step[2]),
        instruction: step[3].trim(),
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
    if (tagged) state.tags.push(tagged[1]);
  }
  return text;
}

/**
 * The Dockerfile line (0-based) of step `number`: the builder numbers every instruction in file order, so step n
 * is the n-th instruction. `instructionLines` are the start lines of the file's instructions, in order.
 */
export function stepLine(instructionLines: number[], number: number): number | undefined {
  return instructionLines[number - 1];
}
