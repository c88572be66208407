import type { DockerfileRule } from '../ruleTypes';
import { baseImageRules } from './baseImageRules';
import { contextRules } from './contextRules';
import { exposeRules } from './exposeRules';
import { fromRules } from './fromRules';
import { installRules } from './installRules';
import { layerRules } from './layerRules';
import { packageRules } from './packageRules';
import { practiceRules } from './practiceRules';
import { runtimeRules } from './runtimeRules';
import { securityRules } from './securityRules';
import { structureRules } from './structureRules';
import { styleRules } from './styleRules';
import { variableRules } from './variableRules';

/** Every Dockside Dockerfile rule, in code order. */
export const DOCKERFILE_RULES: readonly DockerfileRule[] = [
  ...baseImageRules,
  ...contextRules,
  ...exposeRules,
  ...fromRules,
  ...installRules,
  ...layerRules,
  ...packageRules,
  ...practiceRules,
  ...runtimeRules,
  ...securityRules,
  ...structureRules,
  ...styleRules,
  ...variableRules,
].sort((a, b) => a.code.localeCompare(b.code));

export const DOCKERFILE_RULES_BY_CODE: ReadonlyMap<string, DockerfileRule> = new Map(
  DOCKERFILE_RULES.map((r) => [r.code, r]),
);
