import type { ComposeCode, ComposeRule } from '../ruleTypes';
import { buildRules } from './buildRules';
import { consistencyRules } from './consistencyRules';
import { imageRules } from './imageRules';
import { interpolationRules } from './interpolationRules';
import { portRules } from './portRules';
import { projectRules } from './projectRules';
import { referenceRules } from './referenceRules';
import { schemaRules } from './schemaRules';
import { secretRules } from './secretRules';
import { serviceRules } from './serviceRules';
import { structureRules } from './structureRules';

/** Every Compose rule, in code order. */
export const COMPOSE_RULES: readonly ComposeRule[] = [
  ...buildRules,
  ...consistencyRules,
  ...imageRules,
  ...interpolationRules,
  ...portRules,
  ...projectRules,
  ...referenceRules,
  ...schemaRules,
  ...secretRules,
  ...serviceRules,
  ...structureRules,
].sort((a, b) => a.code.localeCompare(b.code));

export const COMPOSE_RULES_BY_CODE: ReadonlyMap<string, ComposeRule> = new Map(COMPOSE_RULES.map((r) => [r.code, r]));

/** Compose rule codes: stable, never renumbered. */
export const COMPOSE_CODES: readonly ComposeCode[] = COMPOSE_RULES.map((r) => r.code);
