import type { Argument, Instruction } from 'dockerfile-ast';
import { flagNamed } from './instructionParts';

export function flagValue(instruction: Instruction, name: string): string | null | undefined {
  const flag = flagNamed(instruction, name);
  return flag ? flag.getValue() : undefined;
}

export function hasFlag(instruction: Instruction, name: string): boolean {
  return flagValue(instruction, name) !== undefined;
}

/** Sources and destination of COPY/ADD (shell form; the exec form's strings are unquoted). */
export function copyArgs(instruction: Instruction): { sources: Argument[]; destination?: Argument } {
  const json = (instruction as unknown as { getJSONStrings?: () => Argument[] }).getJSONStrings?.() ?? [];
  const args = json.length >= 2 ? json.map(unquoteJsonArgument) : instruction.getArguments();
  if (args.length < 2) return { sources: [] };
  return { sources: args.slice(0, -1), destination: args[args.length - 1] };
}

function unquoteJsonArgument(a: Argument): Argument {
  const v = a.getValue();
  const value = v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
  return { getValue: () => value, getRange: () => a.getRange() } as Argument;
}

/** True for `.`, `./` and the like: the whole build context. */
export function isWholeContext(source: string): boolean {
  return /^\.\/?$/.test(source) || source === './*' || source === '*';
}
