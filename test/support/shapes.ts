/**
 * Inputs that repeat one syntactic element n times (or nest it n deep), for the size and shape suite
 * (test/unit/sizeAndShape.test.ts, a sample) and its full-size run in the bench (bench/sizeBench.ts).
 */
export const DOCKERFILE_SHAPES: Record<string, (n: number) => string> = {
  RUN: (n) => 'FROM alpine:3.20\n' + 'RUN echo hi\n'.repeat(n),
  COPY: (n) => 'FROM alpine:3.20\n' + 'COPY a b\n'.repeat(n),
  ADD: (n) => 'FROM alpine:3.20\n' + 'ADD a b\n'.repeat(n),
  ENV: (n) => 'FROM alpine:3.20\n' + 'ENV A=1\n'.repeat(n),
  ARG: (n) => 'FROM alpine:3.20\n' + 'ARG A=1\n'.repeat(n),
  'ARG and ENV pairs': (n) =>
    'FROM alpine:3.20\n' + Array.from({ length: n }, (_, i) => `ARG A${i}=x\nENV E${i}=$A${i}`).join('\n') + '\n',
  LABEL: (n) => 'FROM alpine:3.20\n' + 'LABEL a=b\n'.repeat(n),
  EXPOSE: (n) => 'FROM alpine:3.20\n' + 'EXPOSE 80\n'.repeat(n),
  USER: (n) => 'FROM alpine:3.20\n' + 'USER app\nRUN echo\n'.repeat(n),
  WORKDIR: (n) => 'FROM alpine:3.20\n' + 'WORKDIR /app\nCOPY a b\n'.repeat(n),
  CMD: (n) => 'FROM alpine:3.20\n' + 'CMD ["a"]\n'.repeat(n),
  HEALTHCHECK: (n) => 'FROM alpine:3.20\n' + 'HEALTHCHECK CMD true\n'.repeat(n),
  SHELL: (n) => 'FROM alpine:3.20\n' + 'SHELL ["sh","-c"]\nRUN a | b\n'.repeat(n),
  ONBUILD: (n) => 'FROM alpine:3.20\n' + 'ONBUILD RUN x\n'.repeat(n),
  'FROM (stages)': (n) => 'FROM alpine:3.20 AS s\n'.repeat(n),
  'COPY --from stages': (n) =>
    Array.from({ length: n }, (_, i) => `FROM alpine:3.20 AS s${i}\nCOPY --from=s${i} /a /b`).join('\n') + '\n',
  'stage chain': (n) =>
    'FROM alpine:3.20 AS s0\n' +
    Array.from({ length: n }, (_, i) => `FROM s${i} AS s${i + 1}\nENV V${i}=$V0`).join('\n') +
    '\n',
  comments: (n) => 'FROM alpine:3.20\n' + '# c\n'.repeat(n),
  'ignore comments': (n) => 'FROM alpine:3.20\n' + `# dockside-ignore DS003${' '.repeat(20)}\nRUN x\n`.repeat(n),
  continuations: (n) => 'FROM alpine:3.20\nRUN echo \\\n' + '  a \\\n'.repeat(n) + '  end\n',
  'variables on one line': (n) => 'FROM alpine:3.20\nARG A=1\nENV B=' + '$A'.repeat(n) + '\n',
  'nested substitutions': (n) => 'FROM alpine:3.20\nARG A=1\nENV B=' + '${A:-'.repeat(n) + 'x' + '}'.repeat(n) + '\n',
  flags: (n) => 'FROM alpine:3.20\nRUN ' + '--mount=type=cache,target=/x '.repeat(n) + 'true\n',
  heredoc: (n) => 'FROM alpine:3.20\nRUN <<EOF\n' + 'echo a\n'.repeat(n) + 'EOF\n',
  'JSON array': (n) => 'FROM alpine:3.20\nCMD [' + '"a",'.repeat(n) + '"b"]\n',
  'long line': (n) => 'FROM alpine:3.20\nRUN echo ' + 'x'.repeat(n * 20) + '\n',
  '&& chain': (n) => 'FROM debian:12\nRUN ' + 'apt-get install -y a && '.repeat(n) + 'true\n',
  pipes: (n) => 'FROM debian:12\nRUN ' + 'curl x | '.repeat(n) + 'sh\n',
  quotes: (n) => 'FROM alpine:3.20\nRUN echo ' + '"a b" \'c d\' '.repeat(n) + '\n',
  'nested $( )': (n) => 'FROM alpine:3.20\nRUN ' + '$('.repeat(n) + 'x' + ')'.repeat(n) + '\n',
  'nested ( )': (n) => 'FROM alpine:3.20\nRUN ' + '( '.repeat(n) + 'x' + ' )'.repeat(n) + '\n',
  'nested { }': (n) => 'FROM alpine:3.20\nRUN ' + '{ '.repeat(n) + 'x' + '; }'.repeat(n) + '\n',
  'nested if': (n) => 'FROM alpine:3.20\nRUN ' + 'if a; then '.repeat(n) + 'apk add x' + '; fi'.repeat(n) + '\n',
  'nested for': (n) => 'FROM alpine:3.20\nRUN ' + 'for i in a; do '.repeat(n) + 'x' + '; done'.repeat(n) + '\n',
  'nested quotes and $( )': (n) => 'FROM alpine:3.20\nRUN echo ' + '"$(echo '.repeat(n) + 'x' + ')"'.repeat(n) + '\n',
  'nested ${ }': (n) => 'FROM alpine:3.20\nRUN echo ' + '${a:-'.repeat(n) + 'x' + '}'.repeat(n) + '\n',
  'unclosed $( ( {': (n) => 'FROM alpine:3.20\nRUN ' + '$( ( { '.repeat(n) + '\n',
  'case branches': (n) => 'FROM alpine:3.20\nRUN case x in ' + 'a) apk add y;; '.repeat(n) + 'esac\n',
  'commands on one line': (n) => 'FROM alpine:3.20\nRUN ' + 'apk add x; '.repeat(n) + 'true\n',
  'shell here-documents': (n) => 'FROM alpine:3.20\nRUN cat <<A > f\n' + '$(echo x)\n'.repeat(n) + 'A\n',
  'one ENV, many pairs': (n) =>
    'FROM alpine:3.20\nENV ' + Array.from({ length: n }, (_, i) => `K${i}=v`).join(' ') + '\n',
};

export const DOTENV_SHAPES: Record<string, (n: number) => string> = {
  lines: (n) => 'A=1\n'.repeat(n),
  'spaces in a value': (n) => `A=${' '.repeat(n * 20)}x\n`,
  'quoted multi-line value': (n) => `A="${'line\\n'.repeat(n)}"\n`,
  'unterminated quote': (n) => `A="${'x'.repeat(n * 20)}\n`,
  'variables in a value': (n) => 'B=1\nA=' + '${B:-${B}}'.repeat(n) + '\n',
  comments: (n) => '# c\n'.repeat(n),
  'a key that never ends': (n) => 'A'.repeat(n * 20),
};

const svc = (i: number) => `  s${i}:\n    image: nginx:1.27\n`;
export const COMPOSE_SHAPES: Record<string, (n: number) => string> = {
  services: (n) => 'services:\n' + Array.from({ length: n }, (_, i) => svc(i)).join(''),
  'ports of one service': (n) =>
    'services:\n  web:\n    image: nginx:1.27\n    ports:\n' +
    Array.from({ length: n }, (_, i) => `      - "${1000 + i}:80"\n`).join(''),
  'one host port, many services': (n) =>
    'services:\n' + Array.from({ length: n }, (_, i) => `${svc(i)}    ports: ["80:80"]\n`).join(''),
  'overlapping port ranges': (n) =>
    'services:\n' + Array.from({ length: n }, (_, i) => `${svc(i)}    ports: ["1-10000:1-10000"]\n`).join(''),
  'depends_on chain': (n) =>
    'services:\n' + Array.from({ length: n }, (_, i) => `${svc(i)}    depends_on: [s${i + 1}]\n`).join('') + svc(n),
  'depends_on cycle': (n) =>
    'services:\n' + Array.from({ length: n }, (_, i) => `${svc(i)}    depends_on: [s${(i + 1) % n}]\n`).join(''),
  'environment entries': (n) =>
    'services:\n  web:\n    image: nginx:1.27\n    environment:\n' +
    Array.from({ length: n }, (_, i) => `      K${i}: v\n`).join(''),
  'secrets in environment': (n) =>
    'services:\n  web:\n    image: nginx:1.27\n    environment:\n' +
    Array.from({ length: n }, (_, i) => `      TOKEN_${i}: plain\n`).join(''),
  networks: (n) =>
    'services:\n  web:\n    image: nginx:1.27\n    networks:\n' +
    Array.from({ length: n }, (_, i) => `      - n${i}\n`).join('') +
    'networks:\n' +
    Array.from({ length: n }, (_, i) => `  n${i}:\n`).join(''),
  'undeclared volumes': (n) =>
    'services:\n  web:\n    image: nginx:1.27\n    volumes:\n' +
    Array.from({ length: n }, (_, i) => `      - v${i}:/d${i}\n`).join(''),
  'variables in one value': (n) =>
    'services:\n  web:\n    image: nginx:1.27\n    command: "' + '${A} '.repeat(n) + '"\n',
  'nested defaults': (n) =>
    'services:\n  web:\n    image: nginx:1.27\n    command: "' + '${A:-'.repeat(n) + 'x' + '}'.repeat(n) + '"\n',
  'anchors and aliases': (n) =>
    'x-base: &base\n  image: nginx:1.27\nservices:\n' +
    Array.from({ length: n }, (_, i) => `  s${i}:\n    <<: *base\n`).join(''),
  'long string': (n) => 'services:\n  web:\n    image: nginx:1.27\n    command: "' + 'x'.repeat(n * 20) + '"\n',
  'flow mappings': (n) =>
    'services: {' + Array.from({ length: n }, (_, i) => `s${i}: {image: "nginx:1.27"}`).join(', ') + '}\n',
  comments: (n) => 'services:\n  web:\n    image: nginx:1.27\n' + '# c\n'.repeat(n),
  'unknown keys': (n) =>
    'services:\n  web:\n    image: nginx:1.27\n' + Array.from({ length: n }, (_, i) => `    k${i}: 1\n`).join(''),
};

/** .dockerignore texts, and a path deep enough for the matcher to work on. */
export const DOCKERIGNORE_SHAPES: Record<string, (n: number) => string> = {
  patterns: (n) => Array.from({ length: n }, (_, i) => `dir${i}/file${i}`).join('\n'),
  'globs per pattern': (n) => Array.from({ length: n }, (_, i) => `**/d${i}/*.log`).join('\n'),
  exceptions: (n) => Array.from({ length: n }, (_, i) => (i % 2 ? `!keep${i}` : `drop${i}*`)).join('\n'),
  'long pattern of stars': (n) => '*a'.repeat(Math.min(n, 2000)) + 'x',
  'long pattern of ?': (n) => '?'.repeat(Math.min(n, 4000)) + 'x',
};
