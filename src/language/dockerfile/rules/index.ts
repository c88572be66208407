import type { DockerfileRule } from '../ruleTypes';
import { baseImageRules } from './baseImageRules';
import { layerRules } from './layerRules';
import { packageRules } from './packageRules';
import { runtimeRules } from './runtimeRules';
import { securityRules } from './securityRules';
import { structureRules } from './structureRules';

/** Every Dockside Dockerfile rule, in code order. */
export const DOCKERFILE_RULES: readonly DockerfileRule[] = [
  ...baseImageRules,
  ...layerRules,
  ...packageRules,
  ...runtimeRules,
  ...securityRules,
  ...structureRules,
].sort((a, b) => a.code.localeCompare(b.code));

export const DOCKERFILE_RULES_BY_CODE: ReadonlyMap<string, DockerfileRule> = new Map(
  DOCKERFILE_RULES.map((r) => [r.code, r]),
);
