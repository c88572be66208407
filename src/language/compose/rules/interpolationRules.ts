import type { Interpolated } from '../composeFacts';
import { needsValue } from '../interpolation';
import type { ComposeRule } from '../ruleTypes';
import { own } from '../../own';

/** Where a piece of an interpolated value is in the text: found in the scalar's source, or the whole scalar. */
function locate(text: string, { node, value }: Interpolated, start: number, length: number): [number, number] {
  const source = text.slice(node.range[0], node.range[1]);
  const at = source.indexOf(value.slice(start, start + length));
  return at >= 0 ? [node.range[0] + at, node.range[0] + at + length] : [node.range[0], node.range[1]];
}

/** `${...}` in values: its syntax, and variables that have no value anywhere Compose looks. */
export const interpolationRules: ComposeRule[] = [
  {
    code: 'CS021',
    name: 'interpolation-syntax',
    severity: 'error',
    lesson: 'compose',
    check(facts, report) {
      for (const scalar of facts.interpolated) {
        const { error } = scalar;
        if (!error) continue;
        report({
          span: locate(facts.text, scalar, error.start, error.length),
          message:
            `${error.message}. Write \${NAME}, \${NAME:-default} or \${NAME:?message}, or $$ for a literal dollar ` +
            'sign.',
        });
      }
    },
  },
  {
    code: 'CS022',
    name: 'unset-variable',
    severity: 'information',
    lesson: 'compose',
    check(facts, report) {
      const ctx = facts.context;
      if (!ctx) return;
      const seen = new Set<string>();
      for (const scalar of facts.interpolated) {
        if (scalar.error) continue;
        for (const ref of scalar.refs) {
          if (!needsValue(ref) || own(ctx.host.env, ref.name) !== undefined || ctx.dotEnv.has(ref.name)) continue;
          const span = locate(facts.text, scalar, ref.start, ref.length);
          const key = `${ref.name}@${span[0]}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const outcome = ref.modifier?.endsWith('?') ? 'stops with an error' : 'substitutes an empty string';
          report({
            span,
            message:
              `"${ref.name}" has no value in the environment or in the project's .env file, so Compose ${outcome}. ` +
              `Set it in .env, or give a default: \${${ref.name}:-value}.`,
          });
        }
      }
    },
  },
];
