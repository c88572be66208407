/**
 * Which line is responsible: the instruction or compose key that set the failing command, health check, port or
 * variable. Each answer says where the setting came from, so that "no line" is explained too (given to `docker
 * run`, inherited from a base image, a Dockerfile that is not in the workspace).
 */
import * as path from 'node:path';
import { portEntry } from './composeLines';
import { copyInto, lastOf, stageChain, variableLines, type DockerfileStep } from './dockerfileLines';
import type { Evidence } from './evidence';
import type { Sources } from './sources';
import { code, say, type Words } from './words';

export interface Location {
  /** The file, by absolute path (as WorkspaceFiles names it). */
  file: string;
  /** 0-based. */
  line: number;
  kind: 'dockerfile' | 'compose' | 'script';
  /** What is on that line, in words ("the CMD line", "the compose `command:`"). */
  what: Words;
  /** Where to go instead when this file is not there (a script the COPY line names). */
  fallback?: Location;
}

/** A place, or why there is none. */
export type Where = { at: Location; noLine?: undefined } | { at?: undefined; noLine: Words };

const same = (a: readonly string[] | null | undefined, b: readonly string[] | null | undefined) =>
  JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

/** Shows a command the way a person would type it (exec form as a JSON array). */
export function shownCommand(value: readonly string[] | null | undefined): string {
  if (!value?.length) return '';
  if (value.length === 3 && /^(\/bin\/)?sh$/.test(value[0]!) && value[1] === '-c') return value[2]!;
  return JSON.stringify(value);
}

export class Locator {
  private readonly steps: DockerfileStep[];

  constructor(
    private readonly e: Evidence,
    private readonly s: Sources,
  ) {
    const d = s.dockerfile;
    this.steps = d ? stageChain(d.map, d.stage) : [];
  }

  private dockerfileAt(step: DockerfileStep, what: Words): Where {
    return { at: { file: this.s.dockerfile!.file, line: step.line, kind: 'dockerfile', what } };
  }

  private composeAt(line: number, what: Words): Where {
    return { at: { file: this.s.compose!.file, line, kind: 'compose', what } };
  }

  /** Why there is no Dockerfile line, from what findSources noted. */
  private noDockerfile(what: Words): Where {
    return {
      noLine: [...what, ' ', ...(this.s.notes[this.s.notes.length - 1] ?? say`Dockside cannot see the Dockerfile.`)],
    };
  }

  /** Which part of the command a program came from: ENTRYPOINT when it names it, CMD otherwise. */
  partOf(program?: string): 'entrypoint' | 'cmd' {
    const config = this.e.container.Config ?? {};
    const ep = config.Entrypoint ?? [];
    const cmd = config.Cmd ?? [];
    if (!ep.length) return 'cmd';
    if (!program) return 'entrypoint';
    const inEp = ep.some((w) => w.includes(program));
    const inCmd = cmd.some((w) => w.includes(program));
    return inCmd && !inEp ? 'cmd' : 'entrypoint';
  }

  /** Whether the container's command (or entrypoint) differs from its image's: set when it was created. */
  overridden(part: 'entrypoint' | 'cmd'): boolean {
    const config = this.e.container.Config ?? {};
    const image = this.e.image?.Config;
    if (!image) return false;
    return part === 'cmd' ? !same(config.Cmd, image.Cmd) : !same(config.Entrypoint, image.Entrypoint);
  }

  /** The line that set the container's command (or entrypoint). */
  command(part: 'entrypoint' | 'cmd'): Where {
    const keyword = part === 'cmd' ? 'CMD' : 'ENTRYPOINT';
    const composeKey = part === 'cmd' ? 'command' : 'entrypoint';
    if (this.overridden(part)) {
      const line = this.s.compose?.service[composeKey];
      if (line !== undefined)
        return this.composeAt(
          line,
          say`the compose ${code(`${composeKey}:`)} of service ${code(this.s.compose!.service.name)}`,
        );
      const value = shownCommand(part === 'cmd' ? this.e.container.Config?.Cmd : this.e.container.Config?.Entrypoint);
      return {
        noLine: this.s.compose
          ? say`The ${part === 'cmd' ? 'command' : 'entrypoint'} ${code(value)} was given on the command line (for \
example \`docker compose run\`), not in the compose file.`
          : say`The ${part === 'cmd' ? 'command' : 'entrypoint'} ${code(value)} was given when the container was \
created (after the image name in \`docker run\`, or \`--entrypoint\`), not in a file Dockside can point at.`,
      };
    }
    if (!this.s.dockerfile) return this.noDockerfile(say`The ${keyword} comes from the image.`);
    const step = lastOf(this.steps, keyword);
    if (step) return this.dockerfileAt(step, say`the ${keyword} line`);
    const from = this.steps.find((s) => s.keyword === 'FROM');
    return from
      ? this.dockerfileAt(from, say`the FROM line: the Dockerfile has no ${keyword}, so the base image's is used`)
      : this.noDockerfile(say`The ${keyword} comes from the image.`);
  }

  /** The COPY or ADD that put `containerPath` into the image, falling back to the command's line. */
  copyOf(containerPath: string, part: 'entrypoint' | 'cmd'): Where & { source?: string } {
    const cwd = this.e.container.Config?.WorkingDir || '/';
    const found = this.s.dockerfile ? copyInto(this.steps, containerPath, cwd) : undefined;
    if (!found) return this.command(part);
    const where = this.dockerfileAt(
      found.step,
      say`the ${found.step.keyword} line that puts ${code(containerPath)} into the image`,
    );
    return { ...where, ...(found.source ? { source: found.source } : {}) };
  }

  /**
   * A line of a script that was copied from the build context (`/entrypoint.sh: line 4: …`): the script's own file
   * in the workspace, with its COPY line to fall back on.
   */
  scriptLine(
    scriptPath: string,
    line: number,
    part: 'entrypoint' | 'cmd',
    describe: (source: string) => Words = (source) => say`line ${line} of ${code(source)}`,
  ): Where {
    const copy = this.copyOf(scriptPath, part);
    const d = this.s.dockerfile;
    if (!copy.at || copy.at.kind !== 'dockerfile' || !copy.source || !d) return copy;
    const source = path.posix.normalize(copy.source);
    if (source.startsWith('..') || path.posix.isAbsolute(source)) return copy;
    const file = `${d.contextDir.replace(/\/$/, '')}/${source}`;
    return {
      at: { file, line: Math.max(0, line - 1), kind: 'script', what: describe(source), fallback: copy.at },
    };
  }

  /** The first line of a copied script (its `#!` line). */
  scriptStart(scriptPath: string, part: 'entrypoint' | 'cmd'): Where {
    return this.scriptLine(
      scriptPath,
      1,
      part,
      (source) => say`the first line of ${code(source)}, its ${code('#!')} line`,
    );
  }

  /** The HEALTHCHECK line, or the compose `healthcheck:` that replaced it. */
  healthcheck(): Where {
    const test = this.e.container.Config?.Healthcheck?.Test;
    const fromImage = same(test, this.e.image?.Config?.Healthcheck?.Test);
    const svc = this.s.compose?.service;
    if (!fromImage || !this.s.dockerfile) {
      const line = svc?.healthcheckTest ?? svc?.healthcheck;
      if (line !== undefined) return this.composeAt(line, say`the compose ${code('healthcheck:')} test`);
    }
    if (fromImage && this.s.dockerfile) {
      const step = lastOf(this.steps, 'HEALTHCHECK');
      if (step) return this.dockerfileAt(step, say`the HEALTHCHECK line`);
    }
    if (!fromImage)
      return {
        noLine: say`The health check was set when the container was created (\`--health-cmd\`), not in a file Dockside \
can point at.`,
      };
    return this.noDockerfile(say`The health check comes from the image.`);
  }

  /** A line that makes the program listen on the loopback: an address in the command or an environment entry. */
  loopbackSetting(part: 'entrypoint' | 'cmd'): Where {
    const loopback = /\b(127\.0\.0\.1|localhost|::1)\b/;
    const svc = this.s.compose?.service;
    const entry = svc?.environment.find((v) => loopback.test(v.value ?? ''));
    if (entry) return this.composeAt(entry.line, say`the compose environment entry ${code(entry.name)}`);
    if (svc && svc.command !== undefined && loopback.test(svc.lines.find((l) => l.line === svc.command)?.text ?? ''))
      return this.composeAt(svc.command, say`the compose ${code('command:')}`);
    const env = this.steps.find((s) => s.keyword === 'ENV' && loopback.test(s.text));
    if (env && this.s.dockerfile) return this.dockerfileAt(env, say`the ENV line`);
    return this.command(part);
  }

  /** The `ports:` entry (or EXPOSE line) that points at `containerPort`. */
  portMapping(containerPort: number, hostPort?: number): Where {
    const svc = this.s.compose?.service;
    const entry =
      svc?.ports.find(
        (p) => portEntry(p.text).target === containerPort && (!hostPort || portEntry(p.text).published === hostPort),
      ) ?? svc?.ports.find((p) => portEntry(p.text).target === containerPort);
    if (entry) return this.composeAt(entry.line, say`the compose ${code('ports:')} entry ${code(entry.text)}`);
    const expose = this.steps.find(
      (s) => s.keyword === 'EXPOSE' && new RegExp(`(^|\\s)${containerPort}(/tcp)?(\\s|$)`).test(s.text),
    );
    if (expose && this.s.dockerfile) return this.dockerfileAt(expose, say`the EXPOSE line`);
    return {
      noLine: say`The port was published when the container was created (\`docker run -p\`), not in a file Dockside \
can point at.`,
    };
  }

  /** Where a variable is set or used, or where it should go. */
  variable(name: string, part: 'entrypoint' | 'cmd'): Where {
    const svc = this.s.compose?.service;
    const entry = svc?.environment.find((v) => v.name === name);
    if (entry) return this.composeAt(entry.line, say`the compose environment entry ${code(name)}`);
    const mention = svc?.lines.find((l) => l.text.includes(`$${name}`) || l.text.includes(`\${${name}`));
    if (mention) return this.composeAt(mention.line, say`the compose line that uses ${code(name)}`);
    if (this.s.dockerfile) {
      const lines = variableLines(this.steps, name);
      const set = lines.find((l) => l.sets) ?? lines[0];
      if (set)
        return this.dockerfileAt(
          set.step,
          say`the ${set.step.keyword} line that ${set.sets ? 'declares' : 'uses'} ${code(name)}`,
        );
    }
    if (svc?.environmentKey !== undefined)
      return this.composeAt(
        svc.environmentKey,
        say`the compose ${code('environment:')} of service ${code(svc.name)}, where it belongs`,
      );
    if (svc)
      return this.composeAt(
        svc.key,
        say`service ${code(svc.name)} in the compose file, which sets no ${code('environment:')}`,
      );
    return this.command(part);
  }

  /** The compose memory limit, or why there is no line for it. */
  memory(limit: number): Where {
    const m = this.s.compose?.service.memory;
    if (m) return this.composeAt(m.line, say`the compose memory limit ${code(m.value)}`);
    if (limit > 0)
      return {
        noLine: say`The limit was set when the container was created (\`docker run --memory\`); a Dockerfile cannot \
set one.`,
      };
    return {
      noLine: say`No limit was set for this container, so it was the whole machine (or Docker Desktop's virtual \
machine) that ran out of memory.`,
    };
  }

  /** The FROM line (or compose `platform:`) that chose the image's platform. */
  platform(): Where {
    const svc = this.s.compose?.service;
    const line = svc?.lines.find((l) => /^\s*platform\s*:/.test(l.text));
    if (line) return this.composeAt(line.line, say`the compose ${code('platform:')}`);
    const from = [...this.steps].reverse().find((s) => s.keyword === 'FROM');
    if (from && this.s.dockerfile)
      return this.dockerfileAt(
        from,
        say`the FROM line, which picks the base image${from.flags.platform ? ' and its platform' : ''}`,
      );
    return this.noDockerfile(say`The platform comes from how the image was built or pulled.`);
  }
}
