import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { METHODS, sessionServices } from './protos';

/**
 * What the session answers when BuildKit asks. Values are produced on request and handed to gRPC only: the session
 * keeps none of them.
 */
export interface SessionProviders {
  /**
   * The value of the secret `id`, read now; undefined when the build should go on without it (BuildKit then skips
   * a mount that is not required, and fails one that is). Rejects, with words for the build log, when the secret
   * was chosen but cannot be read: the build then fails rather than run without it.
   */
  secret?: (id: string) => Promise<Uint8Array | undefined>;
  /** The ssh-agent socket that `RUN --mount=type=ssh` reaches (SSH_AUTH_SOCK), forwarded as the id "default". */
  sshAgentSocket?: string;
}

export interface BuildSession {
  /** The id a build names (`session=<id>`) to use this session. */
  readonly id: string;
  /** The secret ids the engine asked for, in order (never values). */
  readonly asked: readonly string[];
  /** Ends the session. */
  close(): void;
  /** Settles when the connection is gone: with the reason when it ended without close() (the engine went away). */
  readonly ended: Promise<Error | undefined>;
}

/** Opens the hijacked /session connection with these headers; rejects when the engine refuses it. */
export type SessionDial = (headers: Record<string, string | string[]>) => Promise<Duplex>;

const SSH_DEFAULT_ID = 'default';
const SSH_ID_METADATA = 'buildkit.ssh.id';

/**
 * A BuildKit session: Dockside dials `POST /session` and upgrades the connection to HTTP/2, the engine then acts
 * as the gRPC client and Dockside as the server. The headers name the session and list every method it serves,
 * so the engine knows what it may ask for. The health check must answer, or the engine drops the session.
 */
export async function openSession(
  dial: SessionDial,
  providers: SessionProviders,
  name = 'dockside',
): Promise<BuildSession> {
  const id = randomUUID();
  const methods: string[] = [
    METHODS.health,
    METHODS.credentials,
    METHODS.secret,
    METHODS.checkAgent,
    METHODS.forwardAgent,
  ];
  const socket = await dial({
    'X-Docker-Expose-Session-Uuid': id,
    'X-Docker-Expose-Session-Name': name,
    'X-Docker-Expose-Session-Sharedkey': id,
    'X-Docker-Expose-Session-Grpc-Method': methods,
  });
  const asked: string[] = [];
  const services = sessionServices();
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 16 << 20 });
  server.addService(services['grpc.health.v1.Health'] as grpc.ServiceDefinition, {
    Check: (_call: unknown, done: grpc.sendUnaryData<{ status: number }>) => done(null, { status: 1 }),
  });
  // No registry credentials are offered: an empty answer makes BuildKit pull anonymously, as the CLI does for
  // registries it has no login for.
  server.addService(services['moby.filesync.v1.Auth'] as grpc.ServiceDefinition, {
    Credentials: (_call: unknown, done: grpc.sendUnaryData<object>) => done(null, {}),
  });
  server.addService(services['moby.buildkit.secrets.v1.Secrets'] as grpc.ServiceDefinition, {
    GetSecret: (
      call: grpc.ServerUnaryCall<{ ID: string }, { data: Uint8Array }>,
      done: grpc.sendUnaryData<{ data: Uint8Array }>,
    ) => {
      const secretId = call.request.ID;
      asked.push(secretId);
      const answer = providers.secret ? providers.secret(secretId) : Promise.resolve(undefined);
      answer.then(
        (data) =>
          data
            ? done(null, { data })
            : done({ code: grpc.status.NOT_FOUND, details: `secret ${secretId} was not given` }),
        (err: Error) => done({ code: grpc.status.FAILED_PRECONDITION, details: err.message }),
      );
    },
  });
  server.addService(services['moby.sshforward.v1.SSH'] as grpc.ServiceDefinition, {
    CheckAgent: (call: grpc.ServerUnaryCall<{ ID: string }, object>, done: grpc.sendUnaryData<object>) => {
      const sshId = call.request.ID || SSH_DEFAULT_ID;
      if (!providers.sshAgentSocket)
        done({ code: grpc.status.NOT_FOUND, details: 'no ssh agent is forwarded (SSH_AUTH_SOCK is not set)' });
      else if (sshId !== SSH_DEFAULT_ID)
        done({ code: grpc.status.NOT_FOUND, details: `only the ssh id "default" is forwarded, not "${sshId}"` });
      else done(null, {});
    },
    ForwardAgent: (call: grpc.ServerDuplexStream<{ data: Uint8Array }, { data: Uint8Array }>) =>
      forwardAgent(call, providers.sshAgentSocket),
  });

  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  let closing = false;
  const ended = new Promise<Error | undefined>((resolve) => {
    let error: Error | undefined;
    socket.on('error', (err: Error) => (error ??= err));
    socket.on('close', () => {
      injector.destroy();
      server.forceShutdown();
      resolve(closing ? undefined : (error ?? new Error('the engine closed the build session')));
    });
  });
  injector.injectConnection(socket);
  return {
    id,
    asked,
    ended,
    close: () => {
      if (closing) return;
      closing = true;
      injector.destroy();
      server.forceShutdown();
      socket.destroy();
    },
  };
}

/** Joins one agent connection to a ForwardAgent stream, byte for byte, both ways. */
function forwardAgent(
  call: grpc.ServerDuplexStream<{ data: Uint8Array }, { data: Uint8Array }>,
  socketPath: string | undefined,
): void {
  const sshId = String(call.metadata.get(SSH_ID_METADATA)[0] ?? '') || SSH_DEFAULT_ID;
  if (!socketPath || sshId !== SSH_DEFAULT_ID) {
    call.emit('error', { code: grpc.status.NOT_FOUND, details: `no ssh agent is forwarded for the id "${sshId}"` });
    return;
  }
  const agent = net.connect(socketPath);
  agent.on('data', (chunk: Buffer) => call.write({ data: chunk }));
  agent.on('end', () => call.end());
  agent.on('error', (err: Error) =>
    call.emit('error', {
      code: grpc.status.UNAVAILABLE,
      details: `the ssh agent at SSH_AUTH_SOCK failed: ${err.message}`,
    }),
  );
  call.on('data', (m: { data?: Uint8Array }) => m.data?.length && agent.write(m.data));
  call.on('end', () => agent.end());
  call.on('error', () => agent.destroy());
  call.on('cancelled', () => agent.destroy());
}
