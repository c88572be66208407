import { maskSecrets } from '../language/secrets';
import { EngineError, unsupportedByEngine } from './engineApi';

/** An Engine failure in words a person can act on; `what` names the object ("Container "web""). */
export function actionError(err: unknown, what: string): string {
  if (err instanceof EngineError) {
    if (unsupportedByEngine(err))
      return maskSecrets(
        `${what}: this engine does not offer that action (its API answered "${err.message.trim()}"). ` +
          "Podman's Docker-compatible API, for one, leaves out some of Docker's endpoints.",
      );
    if (err.statusCode === 404) return `${what} no longer exists: it was removed outside Dockside.`;
    if (err.statusCode === 304) return `${what} is already in that state.`;
    return maskSecrets(`${what}: ${err.message}`);
  }
  return maskSecrets(`${what}: ${(err as Error)?.message ?? String(err)}`);
}
