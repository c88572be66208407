/**
 * The failure doctor's reasoning: from what the engine knows about a container (its inspect data, the last log
 * lines, health check outputs, remembered events, listening sockets) and the files behind it, the cause in plain
 * words, the lesson that explains it, and the responsible line. Pure and synchronous; gather.ts collects the
 * evidence and sources.ts finds the files.
 */
import { maskSecrets } from '../../language/secrets';
import { CAUSES, SIGNALS, type CauseId } from './causes';
import type { Evidence } from './evidence';
import { envNotFound, execFailure, missingFile, missingVariable, shellNotFound, startError } from './logClues';
import { Locator, shownCommand, type Location, type Where } from './locate';
import { containerIps, publishedPorts } from './published';
import { portVerdict } from './sockets';
import type { Sources } from './sources';
import { code, say, type Words } from './words';

export interface Diagnosis {
  cause: CauseId;
  /** One line: what happened. */
  title: Words;
  /** Why, in plain words, a paragraph each. */
  explanation: Words[];
  /** What to change. */
  fix: Words[];
  lesson: string;
  location?: Location;
  /** Why there is no line to open, when there is none. */
  noLine?: Words;
  /** The facts the answer rests on (exit code, restarts, memory limit…), each a label and a value. */
  facts: { label: string; value: string }[];
  /** Raw material, secrets masked: the last log lines, health check outputs. */
  evidence: { title: string; lines: string[] }[];
  /** Whether it is trouble the explorer should mark. */
  trouble: boolean;
}

/** How many log lines an answer quotes. */
const QUOTED_LINES = 12;

const SHELL_BUILTINS = new Set(['cd', 'export', 'source', '.', 'set', 'unset', 'alias', 'ulimit', 'umask', 'exec']);

/** What `docker stop` does, for the explanations: SIGTERM, a grace period (10 seconds by default), then SIGKILL. */
const STOP_WORDS = say`\`docker stop\` first sends SIGTERM and waits a grace period (10 seconds unless told \
otherwise); a process still running then gets SIGKILL, which ends it with code 137.`;

export function diagnose(e: Evidence, s: Sources): Diagnosis {
  const state = e.container.State ?? {};
  const locate = new Locator(e, s);
  const facts = baseFacts(e);
  const evidence: Diagnosis['evidence'] = [];
  const logLines = e.logTail.slice(-QUOTED_LINES).map((l) => maskSecrets(l));
  if (logLines.length)
    evidence.push({
      title:
        `Last ${logLines.length} log line${logLines.length > 1 ? 's' : ''}` +
        `${e.logCut ? ' (the log is longer)' : ''}`,
      lines: logLines,
    });
  const done = (
    cause: CauseId,
    title: Words,
    explanation: Words[],
    fix: Words[],
    where: Where | undefined,
    trouble = true,
  ): Diagnosis => ({
    cause,
    title,
    explanation,
    fix,
    lesson: CAUSES[cause].lesson,
    ...(where?.at ? { location: where.at } : where?.noLine ? { noLine: where.noLine } : {}),
    facts,
    evidence,
    trouble,
  });

  // A restart loop seen between two runs: it runs right now, but the engine's events remember how the last run ended.
  const lastDie = [...e.events].reverse().find((ev) => (ev.Action ?? ev.status) === 'die');
  const lastExit = Number(lastDie?.Actor?.Attributes?.exitCode ?? 0) || 0;
  const betweenRuns = !!state.Running && !state.Restarting && (e.container.RestartCount ?? 0) >= 3 && lastExit !== 0;
  if (betweenRuns) facts.push({ label: 'Last exit code', value: String(lastExit) });

  if (state.Running && !state.Restarting && !betweenRuns) {
    const health = state.Health;
    if (health?.Status === 'unhealthy') {
      const outputs = (health.Log ?? [])
        .slice(-3)
        .map(
          (h) => `exit ${h.ExitCode ?? '?'}: ${maskSecrets((h.Output ?? '').trim().slice(0, 1000)) || '(no output)'}`,
        );
      evidence.unshift({ title: 'Last health check outputs', lines: outputs });
      facts.push({ label: 'Failing checks in a row', value: String(health.FailingStreak ?? 0) });
      const test = shownCommand(e.container.Config?.Healthcheck?.Test?.slice(1));
      return done(
        'unhealthy',
        say`The health check fails, so Docker marks it unhealthy`,
        [
          say`The container runs, but its health check ${code(test || '(unknown)')} has failed \
${health.FailingStreak ?? 0} time(s) in a row. Docker runs the check inside the container at each interval; exit code \
0 counts as healthy, anything else as a failure.`,
          say`Its last output is quoted below. A check that calls a tool the image lacks (\`curl\` in a slim image) or \
asks the wrong port fails just like a broken app does.`,
        ],
        [
          say`Run the check yourself in the container (\`docker exec\`), then fix the app or the check's command, port \
or tool.`,
        ],
        locate.healthcheck(),
      );
    }
    const port = portProblem(e, locate);
    if (port) return done(port.cause, port.title, port.explanation, port.fix, port.where);
    const healthNote =
      health?.Status === 'starting' ? [say`Its health check has not passed yet (it is still starting).`] : [];
    const socketNote =
      e.sockets?.via === 'none' ? [say`Whether its published ports answer is unknown: ${e.sockets.why}`] : [];
    return done(
      'no-trouble',
      socketNote.length
        ? say`It is running; Dockside found nothing wrong, but could not check its published ports`
        : say`It is running, and Dockside sees nothing wrong`,
      [...healthNote, ...socketNote],
      [],
      undefined,
      false,
    );
  }

  const exit = betweenRuns ? lastExit : (state.ExitCode ?? 0);
  const restarts = e.container.RestartCount ?? 0;
  const loop = state.Restarting || restarts >= 3;
  if (loop) {
    const policy = e.container.HostConfig?.RestartPolicy?.Name || 'no';
    facts.push({ label: 'Restarts', value: `${restarts} (restart policy ${policy})` });
  }
  const result = stoppedDiagnosis(e, locate, exit);
  const loopWords = loop
    ? [
        say`It keeps failing the same way: its restart policy starts it again each time (${restarts} restarts so far), \
and Docker waits longer between attempts each time. Restarting does not fix the cause.`,
      ]
    : [];
  return done(
    result.cause,
    result.title,
    [...result.explanation, ...loopWords],
    result.fix,
    result.where,
    result.trouble ?? true,
  );
}

interface Partial {
  cause: CauseId;
  title: Words;
  explanation: Words[];
  fix: Words[];
  where?: Where;
  trouble?: boolean;
}

function baseFacts(e: Evidence): Diagnosis['facts'] {
  const state = e.container.State ?? {};
  const facts: Diagnosis['facts'] = [{ label: 'State', value: state.Status ?? 'unknown' }];
  if (!state.Running || state.Restarting) facts.push({ label: 'Exit code', value: String(state.ExitCode ?? '?') });
  const command = shownCommand([...(e.container.Config?.Entrypoint ?? []), ...(e.container.Config?.Cmd ?? [])]);
  if (command) facts.push({ label: 'Command', value: maskSecrets(command) });
  const arch = e.image?.Architecture;
  if (arch)
    facts.push({
      label: 'Image platform',
      value: `${e.image?.Os ?? 'linux'}/${arch}${e.image?.Variant ? `/${e.image.Variant}` : ''}`,
    });
  facts.push({ label: 'Engine platform', value: `${e.engine.os}/${e.engine.arch}` });
  const memory = e.container.HostConfig?.Memory ?? 0;
  if (memory > 0) facts.push({ label: 'Memory limit', value: memoryText(memory) });
  return facts;
}

/** A memory size the way Docker's flags count it (`16m` is 16 MiB). */
export function memoryText(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** The program that was started: the entrypoint's first word, or the command's. */
function program(e: Evidence): string {
  return e.container.Path ?? e.container.Config?.Entrypoint?.[0] ?? e.container.Config?.Cmd?.[0] ?? '';
}

/** Docker's architecture names and the usual aliases (`x86_64` is `amd64`, `aarch64` is `arm64`). */
const normArch = (arch: string | undefined) =>
  ({ x86_64: 'amd64', aarch64: 'arm64', armhf: 'arm', armv7l: 'arm' })[arch ?? ''] ?? arch ?? '';

function stoppedDiagnosis(e: Evidence, locate: Locator, exit: number): Partial {
  const state = e.container.State ?? {};
  const lines = e.logTail;
  const started = !!state.StartedAt && !state.StartedAt.startsWith('0001-');

  // 1. The engine could not start the program at all (exec form): State.Error says why.
  const start = startError(state.Error);
  if (start && start.kind !== 'other' && start.kind !== 'exec-format') {
    const part = locate.partOf(start.program);
    if (start.kind === 'permission') return notExecutable(start.program, locate, part);
    return commandNotFound(start.program, start.kind === 'no-such-file', locate, part, 'exec');
  }

  // 2. Out of memory, whatever the exit code says.
  const oom = state.OOMKilled || e.events.some((ev) => (ev.Action ?? ev.status) === 'oom');
  if (oom) {
    const limit = e.container.HostConfig?.Memory ?? 0;
    return {
      cause: 'oom-killed',
      title: say`It ran out of memory and the kernel killed it${limit ? ` (limit ${memoryText(limit)})` : ''}`,
      explanation: [
        limit
          ? say`The container may use at most ${memoryText(limit)} of memory. It asked for more, so the kernel's \
out-of-memory killer ended its process with SIGKILL (exit code 137). Nothing was wrong with the command itself.`
          : say`The kernel's out-of-memory killer ended its process with SIGKILL (exit code 137). No limit was set for \
the container, so the machine itself (or Docker Desktop's virtual machine) ran short.`,
      ],
      fix: [
        say`Give it more memory (\`mem_limit\` in compose, \`--memory\` for \`docker run\`), or make the program use \
less: smaller caches, fewer workers, a heap limit such as Node's \`--max-old-space-size\` or Java's \`-Xmx\` below the \
container's limit.`,
      ],
      where: locate.memory(limit),
    };
  }

  // 3. The kernel refused the program (runc says so in the log, exit code 1).
  const refused =
    execFailure(lines) ??
    (start?.kind === 'exec-format' ? { program: program(e), reason: 'exec-format' as const } : undefined);
  if (refused) {
    const name = refused.program || program(e);
    const part = locate.partOf(name);
    if (refused.reason === 'permission') return notExecutable(name, locate, part);
    if (refused.reason === 'no-interpreter') {
      const interpreter = envNotFound(lines);
      return {
        cause: 'missing-interpreter',
        title: say`${code(name)} exists, but the interpreter on its first line does not`,
        explanation: [
          say`The file is there, yet starting it failed with "no such file or directory". For a script that means the \
program named on its ${code('#!')} line is missing from the image${interpreter ? ` (here ${interpreter})` : ''}: \
\`#!/bin/bash\` in an image that only has \`sh\`, for example.`,
          say`A script saved with Windows line endings fails the same way: the first line then names \
${code('/bin/sh\\r')}, which does not exist. A compiled program fails the same way when its loader is missing, for \
example a program linked against glibc in a musl-based image such as Alpine.`,
        ],
        fix: [
          say`Point the ${code('#!')} line at a shell the image has (\`#!/bin/sh\`), install the interpreter, or save \
the script with Unix (LF) line endings.`,
        ],
        where: locate.scriptStart(name, part),
      };
    }
    const imageArch = normArch(e.image?.Architecture);
    const engineArch = normArch(e.engine.arch);
    if (imageArch && engineArch && imageArch !== engineArch) {
      return {
        cause: 'platform-mismatch',
        title: say`The image is built for ${e.image?.Os ?? 'linux'}/${imageArch}, and this engine runs \
${e.engine.os}/${engineArch}`,
        explanation: [
          say`"exec format error" means the kernel does not recognise ${code(name)} as a program it can run. The \
image's platform is ${e.image?.Os ?? 'linux'}/${imageArch}, but this engine's machine is ${e.engine.os}/${engineArch}, \
and no emulator is set up to bridge the two.`,
        ],
        fix: [
          say`Build or pull the image for this machine's platform (\`--platform ${e.engine.os}/${engineArch}\`), build \
a multi-platform image, or install emulation (QEMU with binfmt) if you really need the other one.`,
        ],
        where: locate.platform(),
      };
    }
    return {
      cause: 'exec-format',
      title: say`${code(name)} is not a program this machine can run`,
      explanation: [
        say`"exec format error" means the kernel does not recognise ${code(name)} as a program. The image's platform \
matches the engine, so the file itself is the problem: a script whose first line is not ${code('#!')}… (the exec form \
needs one), or a binary built for another CPU.`,
      ],
      fix: [
        say`Start the script with a ${code('#!/bin/sh')} line, or run it through a shell (\`CMD ["sh", "${name}"]\`), \
or rebuild the binary for ${e.engine.arch}.`,
      ],
      where: locate.copyOf(name, part),
    };
  }

  // 4. Exit 127: the shell (or a script) could not find a program.
  if (exit === 127) {
    const notFound = shellNotFound(lines);
    const viaEnv = envNotFound(lines);
    // A script that runs its arguments (`exec "$@"` in an entrypoint) fails on a program the CMD names: that line
    // is the one to change.
    const passedOn = notFound && (e.container.Config?.Cmd ?? []).includes(notFound.program);
    if (notFound?.script && !passedOn) {
      const part = locate.partOf(notFound.script.path);
      return {
        cause: 'command-not-found',
        title: say`${code(notFound.program)} was not found, on line ${notFound.script.line} of \
${code(notFound.script.path)}`,
        explanation: [
          say`The script ${code(notFound.script.path)} calls ${code(notFound.program)} on its line \
${notFound.script.line}, and no such program is in the image (or on its ${code('PATH')}). The shell reported "not \
found" and stopped with exit code 127.`,
        ],
        fix: [say`Install ${code(notFound.program)} in the image, correct its name, or give its full path.`],
        where: locate.scriptLine(notFound.script.path, notFound.script.line, part),
      };
    }
    const name = notFound?.program ?? viaEnv ?? program(e);
    return commandNotFound(name, false, locate, passedOn ? 'cmd' : locate.partOf(name), viaEnv ? 'env' : 'shell');
  }

  // 5. Exit 126: found, but it could not be run.
  if (exit === 126) {
    // "sh: ./run.sh: Permission denied", "/start.sh: line 3: ./tool: Permission denied": the part before the suffix.
    const last = (lines[lines.length - 1] ?? '').trim();
    const suffix = ': permission denied';
    const named = last.toLowerCase().endsWith(suffix) ? last.slice(0, -suffix.length).split(': ').pop() : undefined;
    const name = named && !/\s/.test(named) ? named : program(e);
    return notExecutable(name, locate, locate.partOf(name));
  }

  // 6. Exit 137 without an OOM: a SIGKILL. The remembered events say who sent it.
  if (exit === 137) {
    const kills = e.events
      .filter((ev) => (ev.Action ?? ev.status) === 'kill')
      .map((ev) => ev.Actor?.Attributes?.signal);
    const part = locate.partOf();
    if (kills.includes('15') || kills.includes('SIGTERM')) {
      const shellForm = isShellForm(e);
      return {
        cause: 'stop-timeout',
        title: say`It was stopped, ignored the stop signal, and was killed after the grace period`,
        explanation: [
          STOP_WORDS,
          shellForm
            ? say`Its command runs in the shell form \
(${code(`/bin/sh -c "${shownCommand(e.container.Config?.Cmd ?? e.container.Config?.Entrypoint).slice(0, 80)}"`)}): \
whichever of the shell or the program ends up as process 1 gets no default handling of SIGTERM, and a shell that stays \
in front does not pass the signal on to its child. So nothing stopped until the kill.`
            : say`Its program (${code(program(e))}) is process 1 and did not exit on SIGTERM. As process 1 in its own \
namespace, it gets no default handling of that signal: a program must catch SIGTERM itself.`,
        ],
        fix: [
          shellForm
            ? say`Use the exec form (\`CMD ["program", "arg"]\`), or \`exec\` the program from its script, so that it \
receives the signal; run with \`--init\` (or \`init: true\` in compose) for programs that do not handle signals.`
            : say`Handle SIGTERM in the program (close connections, then exit), or run with \`--init\` (\`init: true\` \
in compose) so a small init process forwards it.`,
        ],
        where: locate.command(part),
      };
    }
    return {
      cause: 'killed',
      title: say`It was killed with SIGKILL (exit code 137)`,
      explanation: [
        kills.includes('9') || kills.includes('SIGKILL')
          ? say`Someone killed it on purpose (\`docker kill\`, or a tool that uses it): the engine recorded a kill \
with signal 9 and no stop before it.`
          : say`A SIGKILL ended it, and it was not the memory limit. The engine no longer remembers who sent it: \
\`docker kill\`, a \`docker stop\` whose grace period ran out, or the machine's own out-of-memory killer.`,
      ],
      fix: [
        say`Nothing to fix in the image when it was killed on purpose; otherwise see whether it stops in time when \
asked. ${STOP_WORDS.join('')}`,
      ],
      where: locate.command(part),
    };
  }

  // 7. Exit 139: SIGSEGV.
  if (exit === 139) {
    const imageArch = normArch(e.image?.Architecture);
    const emulated = imageArch && imageArch !== normArch(e.engine.arch);
    return {
      cause: 'segfault',
      title: say`It crashed with a segmentation fault (exit code 139)`,
      explanation: [
        say`Exit code 139 is 128 + 11: the process was ended by SIGSEGV because it touched memory it did not own. That \
is a bug in ${code(program(e))} or in a library it loads, or a native library that does not match the image it runs \
in.`,
        ...(emulated
          ? [say`This image is for ${imageArch} and runs under emulation here, which some programs do not survive.`]
          : []),
      ],
      fix: [
        say`Check the last log lines for the step it crashed in, and make sure native libraries were built for this \
image's base (rebuild them inside the image rather than copying them in).`,
      ],
      where: locate.command(locate.partOf()),
    };
  }

  // 8. A variable the program asked for.
  const variable = missingVariable(lines);
  if (variable) {
    const env = (e.container.Config?.Env ?? []).find((v) => v.startsWith(`${variable}=`));
    const value = env?.slice(variable.length + 1);
    const given =
      value === undefined
        ? 'The container has no such environment variable.'
        : value === ''
          ? 'The container has it, but empty (a compose file turns a ${VAR} that the shell does not set into an ' +
            'empty string).'
          : 'The container has a value for it, which the program did not accept.';
    return {
      cause: 'missing-variable',
      title: say`It needs the variable ${code(variable)}, which is \
${value === undefined ? 'not set' : 'empty or not accepted'}`,
      explanation: [say`The log says the program wants ${code(variable)}. ${given}`],
      fix: [
        say`Set it for the container: \`environment:\` (or an \`env_file\`) in compose, \`-e ${variable}=…\` with \
\`docker run\`, or a default with \`ENV\` in the Dockerfile when it is not a secret.`,
      ],
      where: locate.variable(variable, locate.partOf()),
    };
  }

  // 9. A file the program wanted.
  const file = missingFile(lines);
  if (file && exit !== 0) {
    return {
      cause: 'missing-file',
      title: say`It looked for ${code(file)}, which is not there`,
      explanation: [
        say`The log says ${code(file)} does not exist. Relative paths are taken from the container's working folder \
(${code(e.container.Config?.WorkingDir || '/')}): a COPY to another folder, a WORKDIR set after the COPY, or a file \
left out by .dockerignore all end this way.`,
      ],
      fix: [say`Check the COPY destinations and the WORKDIR against the path the command uses.`],
      where: locate.command(locate.partOf()),
    };
  }

  if (!started && state.Error)
    return {
      cause: 'start-failed',
      title: say`The engine could not start it`,
      explanation: [say`Starting it failed before its program ran: ${code(state.Error.slice(0, 500))}`],
      fix: [say`The engine's message names the part it could not set up (a mount, a device, a network, the program).`],
      where: locate.command(locate.partOf()),
    };

  if (!started)
    return {
      cause: 'not-started',
      title: say`It was created but never started`,
      explanation: [say`Nothing ran yet, so there is nothing to diagnose: start it and see.`],
      fix: [],
      trouble: false,
    };

  if (exit === 0)
    return {
      cause: 'exited-ok',
      title: say`It finished normally (exit code 0)`,
      explanation: [
        say`Its program ${code(program(e))} did its work and exited with success. A container lives only as long as \
its main process: a command that finishes (a script without a long-running server at the end) ends the container too.`,
      ],
      fix: [
        say`If it should keep running, make the last command a long-running one (the server itself, in the \
foreground).`,
      ],
      where: locate.command(locate.partOf()),
      trouble: (e.container.RestartCount ?? 0) >= 3,
    };

  if (exit > 128 && exit < 160) {
    const signal = SIGNALS[exit - 128];
    const polite = exit === 143 || exit === 130;
    return {
      cause: polite ? 'stopped' : 'signal',
      title: say`It was ended by ${signal?.name ?? `signal ${exit - 128}`} (exit code ${exit})`,
      explanation: [
        say`Exit codes above 128 mean a signal ended the process: ${exit} is 128 + ${exit - 128}, \
${signal?.words ?? 'a signal'}.`,
      ],
      fix: polite ? [] : [say`See the last log lines for what it was doing.`],
      where: locate.command(locate.partOf()),
      trouble: !polite,
    };
  }

  return {
    cause: 'exit-error',
    title: say`${code(program(e))} stopped with exit code ${exit}`,
    explanation: [
      lines.length
        ? say`The program reported an error and exited with code ${exit}; Docker only passes that code on. Its own \
words are in the last log lines below.`
        : say`The program exited with code ${exit} and wrote nothing to its log, so only the program knows why.`,
    ],
    fix: [
      say`Read the last lines below; run the image with a shell (\`docker run -it --entrypoint sh IMAGE\`) to try the \
command by hand.`,
    ],
    where: locate.command(locate.partOf()),
  };
}

function isShellForm(e: Evidence): boolean {
  const ep = e.container.Config?.Entrypoint ?? [];
  const first = ep.length ? ep : (e.container.Config?.Cmd ?? []);
  return first.length === 3 && /^(\/bin\/)?sh$/.test(first[0]!) && first[1] === '-c';
}

function commandNotFound(
  name: string,
  isPath: boolean,
  locate: Locator,
  part: 'entrypoint' | 'cmd',
  how: 'exec' | 'shell' | 'env',
): Partial {
  const where = locate.command(part);
  const keyword = part === 'cmd' ? 'CMD' : 'ENTRYPOINT';
  // The exec form takes each string as one word: a whole command line in one string is one (missing) program name.
  if (how === 'exec' && /\s|[$&|;<>*`]/.test(name))
    return {
      cause: 'exec-form-needs-shell',
      title: say`The exec form took ${code(name)} as the name of one program`,
      explanation: [
        say`In the exec form (a JSON array) Docker starts the first string as the program, directly, with no shell. So \
${code(name)}, spaces and all, was looked up as a single program name, and there is none.`,
        say`Shell features (variables such as ${code('$HOME')}, ${code('&&')}, pipes, redirections) need a shell; the \
exec form has none.`,
      ],
      fix: [
        say`Split it into one string per word (\`["${name.split(/\s+/)[0] ?? name}", …]\`), or use the shell form \
(\`${keyword} ${name}\`), or call a shell yourself: \`["sh", "-c", "${name}"]\`.`,
      ],
      where,
    };
  const builtin = SHELL_BUILTINS.has(name);
  return {
    cause: 'command-not-found',
    title: say`Command not found: ${code(name)}`,
    explanation: [
      isPath
        ? say`The file ${code(name)} is not in the image at that path. A relative path is taken from the working \
folder; a COPY to another folder or a WORKDIR set later leaves it elsewhere.`
        : builtin
          ? say`${code(name)} is a shell builtin, not a program: the exec form runs no shell, so there is nothing \
called ${code(name)} to start.`
          : how === 'env'
            ? say`A script's ${code('#!/usr/bin/env')} line asks for ${code(name)}, and the image has no such program.`
            : say`No program called ${code(name)} is in the image, or on its ${code('PATH')}. Exit code 127 is how \
${how === 'shell' ? 'the shell' : 'Docker'} says "not found".`,
      ...(where.at ? [['It is set by ', ...where.at.what, '.']] : []),
    ],
    fix: [
      builtin
        ? say`Run it in a shell: \`["sh", "-c", "${name} …"]\` or the shell form.`
        : say`Install ${code(name)} in the image (or use a base image that has it), correct the spelling, or give its \
full path.`,
    ],
    where,
  };
}

function notExecutable(name: string, locate: Locator, part: 'entrypoint' | 'cmd'): Partial {
  const where = locate.copyOf(name, part);
  return {
    cause: 'not-executable',
    title: say`${code(name)} is not executable (exit code 126)`,
    explanation: [
      say`The file is in the image, but it lacks the execute permission (or is a folder), so it cannot be started as a \
program. Files copied from a checkout keep their mode: a script committed without \`chmod +x\` arrives without it.`,
    ],
    fix: [
      say`Copy it with the permission set: \`COPY --chmod=755 ${name.split('/').pop() ?? name} …\` (BuildKit), or add \
\`RUN chmod +x ${name}\`, or run it through its interpreter (\`["sh", "${name}"]\`).`,
    ],
    where,
  };
}

interface PortProblem {
  cause: CauseId;
  title: Words;
  explanation: Words[];
  fix: Words[];
  where: Where;
}

/** A published TCP port that nothing answers on, from the container's listening sockets. */
function portProblem(e: Evidence, locate: Locator): PortProblem | undefined {
  if (e.sockets?.via !== 'host-proc' && e.sockets?.via !== 'exec') return undefined;
  const published = publishedPorts(e.container);
  if (!published.length) return undefined;
  const ips = containerIps(e.container);
  const part = locate.partOf();
  for (const p of published) {
    const verdict = portVerdict(e.sockets.sockets, p.containerPort, ips);
    if (verdict.kind === 'answers') continue;
    const host = `${p.hostIp && p.hostIp !== '0.0.0.0' ? `${p.hostIp}:` : ''}${p.hostPort}`;
    if (verdict.kind === 'loopback-only')
      return {
        cause: 'port-loopback-only',
        title: say`It listens on ${code(`${verdict.on.address}:${p.containerPort}`)} only, so the published port \
${code(host)} cannot reach it`,
        explanation: [
          say`Host port ${code(host)} leads to port ${p.containerPort} of the container's network interface. The \
program listens on the loopback address ${code(verdict.on.address)} inside the container, which only the container \
itself can reach: connections arrive and find nothing.`,
        ],
        fix: [
          say`Make the program listen on all addresses (${code('0.0.0.0')}, or ${code('::')} for IPv6 too); most \
servers have a host or bind setting for it.`,
        ],
        where: locate.loopbackSetting(part),
      };
    if (verdict.kind === 'other-ports')
      return {
        cause: 'port-mismatch',
        title: say`Host port ${code(host)} points at container port ${p.containerPort}, but the program listens on \
${code(verdict.ports.join(', '))}`,
        explanation: [
          say`Publishing maps a host port to a container port. Here host port ${code(host)} leads to container port \
${p.containerPort}, and nothing listens there; the program listens on ${verdict.ports.length > 1 ? 'ports' : 'port'} \
${code(verdict.ports.join(', '))} instead.`,
        ],
        fix: [
          say`Publish the port the program uses (\`${p.hostPort}:${verdict.ports[0] ?? p.containerPort}\`), or \
configure the program to listen on ${p.containerPort}.`,
        ],
        where: locate.portMapping(p.containerPort, p.hostPort),
      };
    return {
      cause: 'port-not-listening',
      title: say`Nothing listens on container port ${p.containerPort}, where host port ${code(host)} points`,
      explanation: [
        say`Host port ${code(host)} leads to container port ${p.containerPort}, but no program in the container \
listens on any TCP port yet. The server may still be starting, may have failed without exiting, or the command starts \
something else.`,
      ],
      fix: [say`Check the last log lines, and that the command starts the server in the foreground.`],
      where: locate.command(part),
    };
  }
  return undefined;
}
