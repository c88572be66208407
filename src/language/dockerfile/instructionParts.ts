import type { Flag, Instruction, Property } from 'dockerfile-ast';

/**
 * Typed access to the parts only some instruction classes have (flags on FROM/RUN/COPY/ADD/HEALTHCHECK,
 * properties on ARG/ENV/LABEL), for code that holds a plain Instruction.
 */
export function flagsOf(i: Instruction): Flag[] {
  return (i as unknown as { getFlags?: () => Flag[] }).getFlags?.() ?? [];
}

export function flagNamed(i: Instruction, name: string): Flag | undefined {
  return flagsOf(i).find((f) => f.getName() === name);
}

export function propertiesOf(i: Instruction): Property[] {
  return (i as unknown as { getProperties?: () => Property[] }).getProperties?.() ?? [];
}
