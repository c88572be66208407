import * as fs from 'node:fs';
import type { BuildMessage } from '../buildProgress';
import { packContext, type ContextPack } from '../contextPack';
import type { BuildOptions, BuildRun, EngineApi, EngineError } from '../engineApi';
import { afterRefusal, BUILDKIT_REFUSED, firstBuilder, type Builder } from './builderChoice';
import { buildkitOnlyFeature, sshMountLines } from './mounts';
import { checkSecretSources, secretReader, type SecretSources } from './secretSources';
import { replaceTarFile, syntaxDirective, withoutSyntaxDirective } from './syntaxDirective';

export interface BuildPlan {
  /** The build context's folder and the Dockerfile in it (absolute paths). */
  root: string;
  dockerfilePath: string;
  options: Omit<BuildOptions, 'builder' | 'secret' | 'sshAgentSocket'>;
  /** The setting dockside.build.builder ("buildkit", the default, or "classic"). */
  setting?: string;
  /** Where each secret the Dockerfile mounts comes from. */
  secrets?: SecretSources;
  /** The environment secrets and SSH_AUTH_SOCK are read from: VS Code's own. */
  env?: NodeJS.ProcessEnv;
  /** Build with the engine's own Dockerfile frontend: the `# syntax=` directive is left out of what is sent. */
  builtinFrontend?: boolean;
  /** The context, packed already (for its summary); packed again if a refused attempt used it up. */
  pack?: ContextPack;
}

export interface StartedBuild {
  run: BuildRun;
  builder: Builder;
  /** Why this builder, in words, for the log. */
  why: string;
  /** Things to tell the user before the build's own output (an ssh agent that cannot be forwarded). */
  notes: string[];
}

/**
 * Starts a build the way `docker build` does today: with BuildKit, falling back to the classic builder only when
 * the engine refuses BuildKit (and the Dockerfile does not need it), or when the setting asks for it. Checks the
 * secret sources before anything is sent; a problem there rejects with the problems in words and sends nothing.
 */
export async function runBuild(
  api: EngineApi,
  plan: BuildPlan,
  onMessage: (m: BuildMessage) => void,
): Promise<StartedBuild> {
  const env = plan.env ?? process.env;
  const pack = plan.pack ?? packContext(plan.root, { dockerfile: plan.dockerfilePath });
  const problems = await checkSecretSources(plan.secrets ?? {}, env);
  if (problems.length) {
    drop(pack);
    throw new Error(problems.join(' '));
  }
  const dockerfile = fs.readFileSync(plan.dockerfilePath);
  // Latin-1 keeps one character per byte, so the rewritten directive keeps the file's length exactly.
  const text = dockerfile.toString('latin1');
  const notes: string[] = [];
  const ssh = sshMountLines(text);
  const agent = env.SSH_AUTH_SOCK;
  if (ssh.length && !agent) {
    notes.push(
      `Line ${ssh.map((l) => l + 1).join(', ')} mounts an ssh agent (RUN --mount=type=ssh), but VS Code's ` +
        'environment has no SSH_AUTH_SOCK, so there is no agent to forward: the step runs without one. Start VS ' +
        'Code from a shell where ssh-agent runs (ssh-add -l lists its keys) to forward it.',
    );
  }
  const first = firstBuilder(plan.setting);
  const buildkitOptions = {
    secret: secretReader(plan.secrets ?? {}, env),
    ...(ssh.length && agent ? { sshAgentSocket: agent } : {}),
  };
  const contextOf = (p: ContextPack) =>
    plan.builtinFrontend && syntaxDirective(text) ? withBuiltinFrontend(p, plan.options.dockerfile, text) : p.stream;

  if (first.builder === 'classic') {
    return {
      run: await api.build(contextOf(pack), { ...plan.options, builder: 'classic' }, onMessage),
      builder: 'classic',
      why: first.why,
      notes,
    };
  }
  try {
    return {
      run: await api.build(contextOf(pack), { ...plan.options, builder: 'buildkit', ...buildkitOptions }, onMessage),
      builder: 'buildkit',
      why: first.why,
      notes,
    };
  } catch (err) {
    if ((err as EngineError).code !== BUILDKIT_REFUSED) throw err;
    drop(pack);
    const next = afterRefusal((err as Error).message, buildkitOnlyFeature(text));
    if ('error' in next) throw new Error(next.error, { cause: err });
    const again = packContext(plan.root, { dockerfile: plan.dockerfilePath });
    return {
      run: await api.build(again.stream, { ...plan.options, builder: 'classic' }, onMessage),
      builder: 'classic',
      why: next.why,
      notes,
    };
  }
}

/** Stops a pack nobody will read; the error it ends its stream with is expected, not a failure to report. */
function drop(pack: ContextPack): void {
  pack.stream.on('error', () => undefined);
  pack.summary.catch(() => undefined);
  pack.cancel();
}

/** The packed context with the Dockerfile's syntax directive made a plain comment (same size, same lines). */
function withBuiltinFrontend(
  pack: ContextPack,
  dockerfileInContext: string,
  text: string,
): NodeJS.ReadableStream & { destroy(err?: Error): void } {
  const patched = replaceTarFile(dockerfileInContext, Buffer.from(withoutSyntaxDirective(text), 'latin1'));
  pack.stream.on('error', (err: Error) => patched.destroy(err));
  patched.on('close', () => pack.stream.destroy());
  return pack.stream.pipe(patched);
}
