import * as assert from 'node:assert/strict';
import { DockerfileService } from '../../src/language/dockerfile/dockerfileService';
import { DOCKERFILE_RULES } from '../../src/language/dockerfile/rules';
import { settledGrowthRatio } from '../support/growth';
import { itemAt } from '../support/itemAt';

/** [line, startCharacter, endCharacter] of each finding of `code` (0-based, single-line ranges). */
function spans(
  text: string,
  code: string,
  options: { path?: string; files?: string[] } = {},
): [number, number, number][] {
  const service = new DockerfileService(options.files ? { fileExists: (p) => options.files!.includes(p) } : {});
  return service
    .diagnose({ uri: 'test', version: 1, text, ...(options.path ? { path: options.path } : {}) })
    .filter((d) => d.code === code)
    .map((d) => {
      assert.equal(d.range.start.line, d.range.end.line, `${code} range stays on one line`);
      return [d.range.start.line, d.range.start.character, d.range.end.character];
    });
}

function messages(text: string, code: string): string[] {
  return new DockerfileService()
    .diagnose({ uri: 'test', version: 1, text })
    .filter((d) => d.code === code)
    .map((d) => d.message);
}

/** The message of the `index`th finding of `code`; the test fails clearly when there are fewer. */
function message(text: string, code: string, index = 0): string {
  return itemAt(messages(text, code), index, `${code} finding`);
}

const lines = (...l: string[]) => l.join('\n') + '\n';

describe('Dockerfile rules', () => {
  it('has unique codes, each with a lesson and a severity', () => {
    const codes = DOCKERFILE_RULES.map((r) => r.code);
    assert.equal(new Set(codes).size, codes.length);
    for (const r of DOCKERFILE_RULES) {
      assert.match(r.code, /^DS\d{3}$/);
      assert.match(r.lesson, /^[a-z-]+$/);
    }
  });

  describe('DS001 unpinned base image', () => {
    it('flags an untagged image on its name', () => {
      assert.deepEqual(spans('FROM node\n', 'DS001'), [[0, 5, 9]]);
    });
    it('flags the latest tag on the tag', () => {
      assert.deepEqual(spans('FROM python:latest\n', 'DS001'), [[0, 12, 18]]);
    });
    it('accepts a pinned tag, a digest, scratch, an earlier stage and a variable', () => {
      const text = lines(
        'ARG BASE=alpine:3.20',
        'FROM node:20-slim AS build',
        'FROM scratch',
        'FROM build',
        'FROM alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        'FROM ${BASE}',
      );
      assert.deepEqual(spans(text, 'DS001'), []);
    });
  });

  describe('DS002 large base image', () => {
    it('suggests a slim or alpine variant for the final stage', () => {
      assert.deepEqual(spans('FROM python:3.12\n', 'DS002'), [[0, 5, 16]]);
      assert.match(message('FROM python:3.12\n', 'DS002'), /"python:3\.12-slim" or "python:3\.12-alpine"/);
    });
    it('leaves builder stages and small variants alone', () => {
      assert.deepEqual(spans(lines('FROM golang:1.22 AS build', 'FROM alpine:3.20'), 'DS002'), []);
      assert.deepEqual(spans('FROM node:20-alpine\n', 'DS002'), []);
      assert.deepEqual(spans('FROM docker.io/library/node:20-slim\n', 'DS002'), []);
    });
  });

  describe('DS003 whole context copied before the install', () => {
    it('flags COPY . . before npm ci, naming the manifests', () => {
      const text = lines('FROM node:20-slim', 'WORKDIR /app', 'COPY . .', 'RUN npm ci');
      assert.deepEqual(spans(text, 'DS003'), [[2, 5, 8]]);
      assert.match(
        message(text, 'DS003'),
        /before "npm ci" \(line 4\).*Copy package\.json and package-lock\.json first/,
      );
    });
    it('knows pip -r, go mod download, bundle, composer, poetry, yarn and mvn', () => {
      for (const [run, manifest] of [
        ['pip install -r requirements/prod.txt', 'requirements/prod.txt'],
        ['go mod download', 'go.mod'],
        ['bundle install', 'Gemfile'],
        ['composer install --no-dev', 'composer.json'],
        ['poetry install', 'pyproject.toml'],
        ['yarn', 'yarn.lock'],
        ['mvn -B dependency:go-offline', 'pom.xml'],
        ['pnpm install --frozen-lockfile', 'pnpm-lock.yaml'],
      ] as const) {
        const found = messages(lines('FROM alpine:3.20', 'WORKDIR /src', 'ADD . .', `RUN ${run}`), 'DS003');
        assert.equal(found.length, 1, run);
        assert.ok(found[0]?.includes(manifest), `${run} names ${manifest}`);
      }
    });
    it('does not fire when the manifests are copied and installed first', () => {
      const text = lines(
        'FROM node:20-slim',
        'WORKDIR /app',
        'COPY package.json package-lock.json ./',
        'RUN npm ci',
        'COPY . .',
        'RUN npm run build',
      );
      assert.deepEqual(spans(text, 'DS003'), []);
    });
  });

  describe('DS004 no .dockerignore', () => {
    const text = lines('FROM node:20-slim', 'WORKDIR /app', 'COPY . .');
    it('flags the whole-context source when no .dockerignore is beside the Dockerfile', () => {
      assert.deepEqual(spans(text, 'DS004', { path: '/w/app/Dockerfile', files: [] }), [[2, 5, 6]]);
    });
    it('accepts .dockerignore or Dockerfile.dockerignore, and skips files not on disk', () => {
      assert.deepEqual(spans(text, 'DS004', { path: '/w/app/Dockerfile', files: ['/w/app/.dockerignore'] }), []);
      assert.deepEqual(
        spans(text, 'DS004', { path: '/w/app/Dockerfile', files: ['/w/app/Dockerfile.dockerignore'] }),
        [],
      );
      assert.deepEqual(spans(text, 'DS004'), []);
    });
  });

  describe('apt, apk and pip (DS005–DS011)', () => {
    it('DS005 flags apt-get update alone in its RUN', () => {
      assert.deepEqual(
        spans(lines('FROM debian:12-slim', 'RUN apt-get update', 'RUN apt-get install -y curl'), 'DS005'),
        [[1, 12, 18]],
      );
      assert.deepEqual(
        spans(lines('FROM debian:12-slim', 'RUN apt-get update && apt-get install -y curl'), 'DS005'),
        [],
      );
    });
    it('DS006 flags install without -y, accepting -y, -qy, --yes and -qq', () => {
      assert.deepEqual(spans(lines('FROM debian:12-slim', 'RUN apt-get update && apt-get install curl'), 'DS006'), [
        [1, 30, 37],
      ]);
      for (const flag of ['-y', '-qy', '--yes', '-qq', '--assume-yes']) {
        assert.deepEqual(
          spans(lines('FROM debian:12-slim', `RUN apt-get update && apt-get ${flag} install curl`), 'DS006'),
          [],
          flag,
        );
      }
    });
    it('DS007 asks for --no-install-recommends', () => {
      assert.deepEqual(spans(lines('FROM debian:12-slim', 'RUN apt-get install -y curl'), 'DS007'), [[1, 12, 19]]);
      assert.deepEqual(
        spans(lines('FROM debian:12-slim', 'RUN apt-get install -y --no-install-recommends curl'), 'DS007'),
        [],
      );
    });
    it('DS008 asks to remove the apt lists in the final stage only, across continuation lines', () => {
      const bad = lines(
        'FROM debian:12-slim',
        'RUN apt-get update \\',
        '    && apt-get install -y --no-install-recommends curl',
      );
      assert.deepEqual(spans(bad, 'DS008'), [[2, 15, 22]]);
      const good = lines(
        'FROM debian:12-slim',
        'RUN apt-get update \\',
        '    # comments inside continuations are skipped',
        '    && apt-get install -y --no-install-recommends curl \\',
        '    && rm -rf /var/lib/apt/lists/*',
      );
      assert.deepEqual(spans(good, 'DS008'), []);
      assert.deepEqual(
        spans(
          lines('FROM debian:12 AS build', 'RUN apt-get update && apt-get install -y gcc', 'FROM debian:12-slim'),
          'DS008',
        ),
        [],
      );
    });
    it('DS009 flags apt-get upgrade and dist-upgrade', () => {
      assert.deepEqual(spans(lines('FROM debian:12-slim', 'RUN apt-get update && apt-get -y dist-upgrade'), 'DS009'), [
        [1, 33, 45],
      ]);
    });
    it('DS010 flags apk add without --no-cache', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'RUN apk add curl'), 'DS010'), [[1, 8, 11]]);
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'RUN apk add --no-cache curl'), 'DS010'), []);
    });
    it('DS011 flags pip install without --no-cache-dir, also as python -m pip', () => {
      assert.deepEqual(spans(lines('FROM python:3.12-slim', 'RUN pip install flask'), 'DS011'), [[1, 8, 15]]);
      assert.deepEqual(spans(lines('FROM python:3.12-slim', 'RUN python3 -m pip install flask'), 'DS011'), [
        [1, 19, 26],
      ]);
      assert.deepEqual(spans(lines('FROM python:3.12-slim', 'RUN pip install --no-cache-dir flask'), 'DS011'), []);
      assert.deepEqual(
        spans(lines('FROM python:3.12-slim', 'ENV PIP_NO_CACHE_DIR=1', 'RUN pip install flask'), 'DS011'),
        [],
      );
    });
  });

  describe('DS012 consecutive RUN', () => {
    it('flags the second of two adjacent RUNs on its keyword', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'RUN echo a', 'RUN echo b'), 'DS012'), [[2, 0, 3]]);
    });
    it('leaves RUNs apart, with flags, or in exec form', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'RUN echo a', 'WORKDIR /x', 'RUN echo b'), 'DS012'), []);
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'RUN echo a', 'RUN --network=none echo b'), 'DS012'), []);
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'RUN echo a', 'RUN ["echo", "b"]'), 'DS012'), []);
    });
  });

  describe('DS013 final stage runs as root', () => {
    it('flags a final stage with no USER on its FROM', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'RUN echo hi'), 'DS013'), [[0, 0, 4]]);
    });
    it('flags USER root and USER 0:0 on the argument', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'USER app', 'USER root'), 'DS013'), [[2, 5, 9]]);
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'USER 0:0'), 'DS013'), [[1, 5, 8]]);
    });
    it('accepts a non-root user, one inherited from an earlier stage, scratch and nonroot images', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20 AS base', 'USER app', 'FROM base'), 'DS013'), []);
      assert.deepEqual(spans(lines('FROM node:20-slim AS build', 'FROM alpine:3.20', 'USER 1000'), 'DS013'), []);
      assert.deepEqual(spans(lines('FROM scratch', 'COPY app /app'), 'DS013'), []);
      assert.deepEqual(spans(lines('FROM gcr.io/distroless/static:nonroot'), 'DS013'), []);
    });
  });

  describe('ADD (DS014, DS015)', () => {
    it('DS014 prefers COPY for local files but not for archives or URLs', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'ADD app.py /app/'), 'DS014'), [[1, 0, 3]]);
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'ADD app.tar.gz /app/'), 'DS014'), []);
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'ADD https://example.com/x.txt /x'), 'DS014'), []);
    });
    it('DS015 asks for --checksum on a URL', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'ADD https://example.com/x.txt /x'), 'DS015'), [[1, 4, 29]]);
      assert.deepEqual(
        spans(lines('FROM alpine:3.20', 'ADD --checksum=sha256:abc https://example.com/x.txt /x'), 'DS015'),
        [],
      );
    });
  });

  describe('CMD and ENTRYPOINT (DS016–DS018)', () => {
    it('DS016 flags the shell form and offers the exec form when it is plain', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'CMD node server.js'), 'DS016'), [[1, 4, 18]]);
      assert.match(message(lines('FROM alpine:3.20', 'CMD node server.js'), 'DS016'), /CMD \["node", "server\.js"\]/);
      assert.match(message(lines('FROM alpine:3.20', 'ENTRYPOINT ./start.sh'), 'DS016'), /ignores CMD/);
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'CMD ["node", "server.js"]'), 'DS016'), []);
    });
    it('DS017 flags single quotes and a trailing comma that make Docker use the shell form', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', "CMD ['node', 'a.js']"), 'DS017'), [[1, 4, 20]]);
      assert.match(
        message(lines('FROM alpine:3.20', 'ENTRYPOINT ["node", "a.js",]'), 'DS017'),
        /trailing comma.*\["node", "a\.js"\]/,
      );
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'RUN ["sh", "-c", "echo hi"]'), 'DS017'), []);
    });
    it('DS018 flags every CMD but the last, tagged unnecessary', () => {
      const text = lines(
        'FROM alpine:3.20',
        'CMD ["a"]',
        'HEALTHCHECK CMD true',
        'CMD ["b"]',
        'FROM alpine:3.20',
        'CMD ["c"]',
      );
      assert.deepEqual(spans(text, 'DS018'), [[1, 0, 3]]);
      const d = new DockerfileService().diagnose({ uri: 't', version: 1, text }).find((x) => x.code === 'DS018')!;
      assert.deepEqual(d.tags, ['unnecessary']);
    });
  });

  describe('DS019 secrets in ARG and ENV', () => {
    it('flags secret-looking names on the name, and credentials in URLs on the credentials', () => {
      const text = lines(
        'FROM alpine:3.20',
        'ARG NPM_TOKEN',
        'ENV DB_PASSWORD=hunter2 MODE=prod',
        'ENV DATABASE_URL=postgres://app:s3cret@db:5432/app',
      );
      assert.deepEqual(spans(text, 'DS019'), [
        [1, 4, 13],
        [2, 4, 15],
        [3, 28, 38],
      ]);
    });
    it('leaves names that point at a secret or are public alone, and ARGs before the first FROM', () => {
      assert.deepEqual(
        spans(
          lines(
            'ARG GITHUB_TOKEN',
            'FROM alpine:3.20',
            'ENV POSTGRES_PASSWORD_FILE=/run/secrets/db',
            'ARG public_token PLUGIN_KEY_VERSION',
          ),
          'DS019',
        ),
        [],
      );
    });
    it('flags a secret name whatever its value, as BuildKit does (a value from a build arg is stored too)', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'ENV API_KEY=$API_KEY_FROM_BUILD deploy_key='), 'DS019'), [
        [1, 4, 11],
        [1, 32, 42],
      ]);
    });
  });

  describe('shell pitfalls (DS020, DS023–DS025)', () => {
    it('DS020 flags cd at the start of a RUN', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'RUN cd /src && make'), 'DS020'), [[1, 4, 6]]);
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'RUN make -C /src'), 'DS020'), []);
    });
    it('DS023 flags sudo', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'RUN sudo apk add --no-cache curl'), 'DS023'), [[1, 4, 8]]);
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'RUN echo sudo'), 'DS023'), []);
    });
    it('DS024 flags curl or wget piped into a shell, from the download to the shell', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'RUN curl -fsSL https://get.example.com | sh'), 'DS024'), [
        [1, 4, 43],
      ]);
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'RUN wget -qO- https://x | sudo bash -s'), 'DS024'), [
        [1, 4, 38],
      ]);
      assert.deepEqual(
        spans(lines('FROM alpine:3.20', 'RUN curl -fsSLo /tmp/i.sh https://x && sh /tmp/i.sh'), 'DS024'),
        [],
      );
    });
    it('DS025 flags a pipe without pipefail on the pipe', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'RUN wget -qO- https://x | tar xz'), 'DS025'), [[1, 24, 25]]);
      assert.deepEqual(
        spans(lines('FROM alpine:3.20', 'RUN set -o pipefail && wget -qO- https://x | tar xz'), 'DS025'),
        [],
      );
      assert.deepEqual(
        spans(
          lines(
            'FROM debian:12-slim',
            'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
            'RUN wget -qO- https://x | tar xz',
          ),
          'DS025',
        ),
        [],
      );
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'RUN echo "a|b" || true'), 'DS025'), []);
    });
  });

  describe('paths (DS021, DS022)', () => {
    it('DS021 flags a relative first WORKDIR, after expanding what it can', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'WORKDIR app'), 'DS021'), [[1, 8, 11]]);
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'ARG DIR=srv', 'WORKDIR $DIR/app'), 'DS021'), [[2, 8, 16]]);
    });
    it('DS021 leaves later WORKDIRs, those after a parent stage set one, and unknown variables alone', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'WORKDIR /app', 'WORKDIR sub'), 'DS021'), []);
      assert.deepEqual(
        spans(lines('FROM alpine:3.20 AS base', 'WORKDIR /srv', 'FROM base', 'WORKDIR web'), 'DS021'),
        [],
      );
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'WORKDIR $HOME/x'), 'DS021'), []);
    });
    it('DS022 flags a relative COPY destination with no WORKDIR in the stage or its parents', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'COPY app.py ./'), 'DS022'), [[1, 12, 14]]);
      assert.deepEqual(
        spans(lines('FROM alpine:3.20 AS base', 'WORKDIR /app', 'FROM base', 'COPY app.py ./'), 'DS022'),
        [],
      );
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'COPY app.py /app/'), 'DS022'), []);
    });
  });

  describe('stages (DS026, DS027)', () => {
    it('DS026 errors on an index that is not an earlier stage', () => {
      const text = lines('FROM alpine:3.20 AS build', 'FROM alpine:3.20', 'COPY --from=1 /a /b');
      assert.deepEqual(spans(text, 'DS026'), [[2, 12, 13]]);
      assert.equal(
        new DockerfileService().diagnose({ uri: 't', version: 1, text }).find((d) => d.code === 'DS026')!.severity,
        'error',
      );
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'FROM alpine:3.20', 'COPY --from=0 /a /b'), 'DS026'), []);
    });
    it('DS026 warns about a later stage, the current stage and a misspelt one', () => {
      const text = lines(
        'FROM alpine:3.20 AS build',
        'FROM alpine:3.20 AS app',
        'COPY --from=app /a /b',
        'COPY --from=test /a /b',
        'COPY --from=biuld /a /b',
        'COPY --from=nginx:1.27 /a /b',
        'FROM alpine:3.20 AS test',
      );
      assert.deepEqual(spans(text, 'DS026'), [
        [2, 12, 15],
        [3, 12, 16],
        [4, 12, 17],
      ]);
      assert.match(message(text, 'DS026', 2), /Did you mean "build"\?/);
    });
    it('DS026 stays linear with thousands of stages and COPY --from lines that name no stage', () => {
      // Every stage has its own name and copies from a misspelt one: comparing each value with every earlier
      // name would be quadratic.
      const make = (n: number) =>
        Array.from({ length: n }, (_, k) => `FROM alpine:3.20 AS stage${k}\nCOPY --from=stahe${k} /a /b\n`).join('');
      let version = 0;
      const ratio = settledGrowthRatio(
        (n) => {
          new DockerfileService().diagnose({ uri: 'shape', version: ++version, text: `${make(n)}# ${version}\n` });
        },
        200,
        6,
        15,
      );
      assert.ok(ratio < 15, `6x the stages took ${ratio.toFixed(1)}x the time`);
    });
    it('DS027 flags "as" in another case than FROM, and a stage written in another case', () => {
      const text = lines('FROM alpine:3.20 as Build', 'FROM alpine:3.20', 'COPY --from=build /a /b');
      assert.deepEqual(spans(text, 'DS027'), [
        [0, 17, 19],
        [2, 12, 17],
      ]);
      assert.deepEqual(spans(lines('from alpine:3.20 As build'), 'DS027'), [[0, 17, 19]]);
      // A FROM keyword in mixed case is the instruction-casing rule's business.
      assert.deepEqual(spans(lines('From alpine:3.20 as build'), 'DS027'), []);
      assert.deepEqual(
        spans(lines('FROM alpine:3.20 AS build', 'FROM alpine:3.20', 'COPY --from=build /a /b'), 'DS027'),
        [],
      );
    });
  });

  describe('DS028 variables', () => {
    it('warns when an ARG from before FROM is used in a stage without being declared again', () => {
      const text = lines('ARG VERSION=1.0', 'FROM alpine:3.20', 'LABEL version=$VERSION');
      assert.deepEqual(spans(text, 'DS028'), [[2, 15, 22]]);
      assert.match(message(text, 'DS028'), /Add "ARG VERSION" inside this stage/);
    });
    it('notes a variable no ARG or ENV sets', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'WORKDIR /srv/${APP_NAME}'), 'DS028'), [[1, 15, 23]]);
    });
    it('accepts declared ARG/ENV, inherited ENV, defaults, FROM-line ARGs and PATH', () => {
      const text = lines(
        'ARG BASE=alpine:3.20',
        'FROM ${BASE} AS base',
        'ENV APP_HOME=/srv/app',
        'FROM base',
        'ARG VERSION',
        'WORKDIR $APP_HOME',
        'LABEL version=$VERSION',
        'ENV PATH=$PATH:/opt/bin',
        'RUN echo $NOT_CHECKED_IN_RUN',
      );
      assert.deepEqual(spans(text, 'DS028'), []);
    });
    it('notes a variable read with a default too, as BuildKit does, and suggests a close name', () => {
      const text = lines('FROM alpine:3.20', 'ARG ASSETS=web', 'COPY ${ASSET:-static} /srv/');
      assert.deepEqual(spans(text, 'DS028'), [[2, 7, 12]]);
      assert.match(message(text, 'DS028'), /Did you mean "ASSETS"\?/);
    });
    it('knows the ARGs a parent stage declared, with or without a value', () => {
      const text = lines('FROM alpine:3.20 AS base', 'ARG MODE', 'FROM base', 'COPY $MODE.conf /etc/');
      assert.deepEqual(spans(text, 'DS028'), []);
    });
    it('warns about a FROM-line variable no ARG above the first FROM declares, in the image and --platform', () => {
      const text = lines('ARG TAG=3.20', 'FROM --platform=$BUILDPLATFROM alpine:${TAG}${SUFFIX}');
      assert.deepEqual(spans(text, 'DS028'), [
        [1, 17, 30],
        [1, 46, 52],
      ]);
      assert.match(message(text, 'DS028'), /Did you mean "BUILDPLATFORM"\?/);
    });
  });

  describe('DS034 unclosed substitution', () => {
    it('errors from the unclosed ${ to the end of the word', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'COPY ${SRC /x'), 'DS034'), [[1, 5, 10]]);
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'ARG SRC=a', 'COPY ${SRC} /x'), 'DS034'), []);
    });
  });

  describe('severities that follow the engine', () => {
    it('warns (not errors) about an empty CMD or ENTRYPOINT and an empty --from, which docker build accepts', () => {
      const text = lines('FROM alpine:3.20', 'COPY --from= a /b', 'ENTRYPOINT', 'USER nobody');
      const diags = new DockerfileService().diagnose({ uri: 'e', version: 1, text });
      assert.deepEqual(
        diags.filter((d) => d.code.startsWith('DSX')).map((d) => [d.code, d.severity]),
        [
          ['DSX047', 'warning'],
          ['DSX002', 'warning'],
        ],
      );
    });
  });

  describe('deprecated and legacy forms (DS029, DS030)', () => {
    it('DS029 marks MAINTAINER deprecated', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'MAINTAINER me@example.com'), 'DS029'), [[1, 0, 10]]);
    });
    it('DS030 flags ENV key value and LABEL key value', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'ENV MODE production'), 'DS030'), [[1, 4, 19]]);
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'LABEL team platform'), 'DS030'), [[1, 6, 19]]);
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'ENV MODE=production', 'LABEL team=platform'), 'DS030'), []);
    });
  });

  describe('DS031 EXPOSE', () => {
    it('errors on ports above 65535 and backwards ranges, warns about host:container', () => {
      const text = lines('FROM alpine:3.20', 'EXPOSE 80 70000 90-80 8080:80 3000-3005/udp');
      assert.deepEqual(spans(text, 'DS031'), [
        [1, 10, 15],
        [1, 16, 21],
        [1, 22, 29],
      ]);
      const severities = new DockerfileService()
        .diagnose({ uri: 't', version: 1, text })
        .filter((d) => d.code === 'DS031')
        .map((d) => d.severity);
      assert.deepEqual(severities, ['error', 'error', 'warning']);
    });
  });

  describe('DS032 single stage that ships its toolchain', () => {
    it('notes a build step in a single-stage file', () => {
      assert.deepEqual(
        spans(lines('FROM golang:1.22', 'WORKDIR /src', 'COPY . .', 'RUN go build -o /app .'), 'DS032'),
        [[0, 0, 4]],
      );
      assert.deepEqual(
        spans(
          lines(
            'FROM golang:1.22 AS build',
            'RUN go build -o /app .',
            'FROM alpine:3.20',
            'COPY --from=build /app /app',
          ),
          'DS032',
        ),
        [],
      );
    });
  });

  describe('DS033 EXPOSE without HEALTHCHECK', () => {
    it('notes it on EXPOSE, and not when a HEALTHCHECK exists', () => {
      assert.deepEqual(spans(lines('FROM alpine:3.20', 'EXPOSE 8080'), 'DS033'), [[1, 0, 6]]);
      assert.deepEqual(
        spans(
          lines('FROM alpine:3.20', 'EXPOSE 8080', 'HEALTHCHECK CMD wget -qO- http://localhost:8080/ || exit 1'),
          'DS033',
        ),
        [],
      );
    });
  });

  describe('ignore comments and rule levels', () => {
    it('silences codes for the next instruction, even across a comment block and a continuation', () => {
      const text = lines(
        'FROM alpine:3.20',
        '# dockside-ignore DS023, DS010',
        '# why: the base image has sudo',
        'RUN sudo apk add \\',
        '    curl',
        'RUN sudo true',
      );
      const codes = new DockerfileService()
        .diagnose({ uri: 't', version: 1, text })
        .map((d) => `${d.code}@${d.range.start.line}`);
      assert.ok(!codes.includes('DS023@3') && !codes.includes('DS010@3'), codes.join());
      assert.ok(codes.includes('DS023@5'));
    });
    it('silences codes for the whole file', () => {
      const text = lines('# dockside-ignore-file DS013', 'FROM alpine:3.20');
      assert.deepEqual(spans(text, 'DS013'), []);
    });
    it('applies rule levels from settings', () => {
      const service = new DockerfileService({ rules: { DS013: 'off', DS001: 'error' } });
      const diags = service.diagnose({ uri: 't', version: 1, text: 'FROM node\n' });
      assert.ok(!diags.some((d) => d.code === 'DS013'));
      assert.equal(diags.find((d) => d.code === 'DS001')!.severity, 'error');
    });
  });

  describe('parser details', () => {
    it('follows a backtick escape directive and CRLF line ends', () => {
      const text = '# escape=`\r\nFROM debian:12-slim\r\nRUN apt-get update `\r\n  && apt-get install curl\r\n';
      assert.deepEqual(spans(text, 'DS006'), [[3, 13, 20]]);
    });
    it('reads commands from a heredoc RUN', () => {
      const text = lines('# syntax=docker/dockerfile:1', 'FROM alpine:3.20', 'RUN <<EOF', 'apk add curl', 'EOF');
      assert.deepEqual(spans(text, 'DS010'), [[3, 4, 7]]);
    });
    it('reads a heredoc that a shell runs (`RUN <<EOT bash`, `RUN bash -e <<EOT`), not one that is only data', () => {
      const body = ['apt-get update', 'apt-get install -y git', 'EOT'];
      for (const open of ['RUN <<EOT bash', 'RUN bash -e <<EOT', 'RUN <<-EOT /bin/sh'])
        assert.deepEqual(spans(lines('FROM debian:12', open, ...body), 'DS007'), [[3, 8, 15]], open);
      for (const open of ['RUN <<EOT cat > /setup.sh', 'RUN bash -c <<EOT', 'RUN <<EOT python3'])
        assert.deepEqual(spans(lines('FROM debian:12', open, ...body), 'DS007'), [], open);
    });
    it('handles a BOM and flags before the command', () => {
      const text =
        '\uFEFFFROM alpine:3.20\nRUN --mount=type=cache,target=/root/.cache/pip --network=default pip install flask\n';
      assert.deepEqual(spans(text, 'DS011'), []);
      assert.deepEqual(spans(text, 'DSX038'), []);
    });
  });
});
