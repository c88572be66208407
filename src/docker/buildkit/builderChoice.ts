/** Which of the engine's two builders runs a build. */
export type Builder = 'buildkit' | 'classic';

/** The error code an EngineApi build rejects with when the engine will not run BuildKit (or its session). */
export const BUILDKIT_REFUSED = 'BUILDKIT_REFUSED';

/**
 * The builder to try first, and why, for the log. BuildKit unless the setting says "classic": the engine's answer
 * to /_ping (Builder-Version) is not asked, because an engine that says "1" there may still build with BuildKit.
 */
export function firstBuilder(setting: string | undefined): { builder: Builder; why: string } {
  if (setting === 'classic') return { builder: 'classic', why: 'the setting dockside.build.builder is "classic"' };
  return { builder: 'buildkit', why: 'it is the builder `docker build` uses since Docker 23' };
}

/**
 * Whether a failed /session or /build request means "this engine will not do BuildKit" (an API older than
 * BuildKit, a Windows engine, BuildKit turned off), as opposed to a build that BuildKit ran and that failed.
 * Such refusals come back as an HTTP error before any build output.
 */
export function isBuildkitRefusal(statusCode: number | undefined, message: string): boolean {
  if (statusCode === 404 || statusCode === 405 || statusCode === 501) return true;
  return /buildkit|builder.?version|invalid version|session|not supported|experimental/i.test(message);
}

/**
 * What to do after the engine refused BuildKit: fall back to the classic builder, unless the Dockerfile uses
 * something only BuildKit can build (then say so, since the classic builder would only fail later, less clearly).
 */
export function afterRefusal(
  refusal: string,
  buildkitOnly: string | undefined,
): { builder: 'classic'; why: string } | { error: string } {
  if (buildkitOnly) {
    return {
      error:
        `This engine does not run BuildKit builds (${refusal}), and this Dockerfile needs BuildKit for ` +
        `${buildkitOnly}. Use Docker 23 or later (or an engine with BuildKit enabled), or build a Dockerfile ` +
        'without it.',
    };
  }
  return { builder: 'classic', why: `the engine does not run BuildKit builds (${refusal})` };
}

/**
 * A BuildKit error message in plain words where Dockside knows what it means (a secret that was not given), or
 * the engine's own words otherwise.
 */
export function explainBuildError(message: string): string {
  const secret = /secret (\S+) not found/.exec(message);
  if (secret) {
    return (
      `The step mounts the secret "${secret[1]}" as required, and this build was not given it. ` +
      'Build again and choose a file or an environment variable for it.'
    );
  }
  const precondition = /rpc error: code = FailedPrecondition desc = (.*)$/s.exec(message);
  if (precondition) return `The build stopped: ${precondition[1]}.`;
  if (/no ssh agent is forwarded|SSH_AUTH_SOCK is not set/.test(message))
    return `The step mounts an ssh agent, and there is none to forward: ${message}`;
  if (/network bridge not found|could not find bridge/.test(message)) {
    return (
      `The step needs a network, and the engine has no default bridge for it (${message}). ` +
      'Start the engine with its default bridge (not --bridge=none), or set dockside.build.builder to "classic", ' +
      'whose steps run without one.'
    );
  }
  if (/Unknown flag: mount/i.test(message)) {
    return (
      `The classic builder does not know RUN --mount (${message}). ` +
      'Set dockside.build.builder to "buildkit" to build this file.'
    );
  }
  return message;
}
