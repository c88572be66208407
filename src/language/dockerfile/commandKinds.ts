import { hasOption, programName, subcommand, type ShellCommand } from './shell';

/** A dependency install, and the manifest files it reads (what to COPY before it). */
export interface DependencyInstall {
  tool: string;
  manifests: string[];
}

/** Recognises the dependency installs whose cache a whole-context COPY would break. */
export function dependencyInstall(command: ShellCommand): DependencyInstall | undefined {
  const w = command.words;
  const program = programName(w);
  const sub = subcommand(w)?.value;
  switch (program) {
    case 'npm':
      return sub === 'install' || sub === 'ci' || sub === 'i'
        ? { tool: `npm ${sub}`, manifests: ['package.json', 'package-lock.json'] }
        : undefined;
    case 'yarn':
      return sub === undefined || sub === 'install'
        ? { tool: 'yarn install', manifests: ['package.json', 'yarn.lock'] }
        : undefined;
    case 'pnpm':
      return sub === 'install' || sub === 'i'
        ? { tool: 'pnpm install', manifests: ['package.json', 'pnpm-lock.yaml'] }
        : undefined;
    case 'pip':
    case 'pip3': {
      if (sub !== 'install') return undefined;
      const r = w.findIndex((x) => x.value === '-r' || x.value === '--requirement');
      const file =
        r >= 0
          ? w[r + 1]?.value
          : w.find((x) => /^(-r|--requirement=)./.test(x.value))?.value.replace(/^(-r|--requirement=)/, '');
      return file ? { tool: 'pip install -r', manifests: [file] } : undefined;
    }
    case 'poetry':
      return sub === 'install' ? { tool: 'poetry install', manifests: ['pyproject.toml', 'poetry.lock'] } : undefined;
    case 'go':
      return sub === 'mod' && w.some((x) => x.value === 'download')
        ? { tool: 'go mod download', manifests: ['go.mod', 'go.sum'] }
        : undefined;
    case 'bundle':
      return sub === 'install' ? { tool: 'bundle install', manifests: ['Gemfile', 'Gemfile.lock'] } : undefined;
    case 'mvn':
      return w.some((x) => x.value.startsWith('dependency:'))
        ? { tool: 'mvn dependency', manifests: ['pom.xml'] }
        : undefined;
    case 'composer':
      return sub === 'install'
        ? { tool: 'composer install', manifests: ['composer.json', 'composer.lock'] }
        : undefined;
    default:
      return undefined;
  }
}

/** Recognises a compile/build step that needs a toolchain the runtime image does not. */
export function buildCommand(command: ShellCommand): string | undefined {
  const w = command.words;
  const program = programName(w);
  const sub = subcommand(w)?.value;
  switch (program) {
    case 'npm':
    case 'pnpm':
      return sub === 'run' && w.some((x) => x.value === 'build')
        ? `${program} run build`
        : program === 'pnpm' && sub === 'build'
          ? 'pnpm build'
          : undefined;
    case 'yarn':
      return sub === 'build' || (sub === 'run' && w.some((x) => x.value === 'build')) ? 'yarn build' : undefined;
    case 'go':
      return sub === 'build' ? 'go build' : undefined;
    case 'mvn':
    case 'mvnw':
    case './mvnw':
      return w.some((x) => x.value === 'package' || x.value === 'install') ? 'mvn package' : undefined;
    case 'gradle':
    case 'gradlew':
      return w.some((x) => x.value === 'build' || x.value === 'assemble') ? 'gradle build' : undefined;
    case 'cargo':
      return sub === 'build' ? 'cargo build' : undefined;
    case 'dotnet':
      return sub === 'publish' || sub === 'build' ? `dotnet ${sub}` : undefined;
    case 'gcc':
    case 'g++':
    case 'cc':
    case 'clang':
    case 'make':
    case 'tsc':
      return program;
    default:
      return undefined;
  }
}

/** True when the RUN turns on pipefail itself (`set -o pipefail`, `set -euo pipefail`). */
export function setsPipefail(commands: ShellCommand[]): boolean {
  return commands.some(
    (c) =>
      programName(c.words) === 'set' && (hasOption(c.words, 'pipefail') || c.words.some((x) => x.value === 'pipefail')),
  );
}
