import * as assert from 'node:assert/strict';
import { credentialsInUrl, looksLikeSecretName, maskSecrets } from '../../src/language/secrets';
import { assertLinear } from '../support/growth';

describe('secret detection', () => {
  it('finds user:password in URLs', () => {
    const v = 'postgres://app:s3cret@db:5432/app';
    const r = credentialsInUrl(v)!;
    assert.equal(v.slice(r.start, r.end), 'app:s3cret');
    assert.equal(credentialsInUrl('https://user@host/x'), undefined);
    assert.equal(credentialsInUrl('https://host/x?a=b@c'), undefined);
    assert.equal(credentialsInUrl('redis://:${REDIS_PASSWORD}@cache'), undefined);
    assert.equal(credentialsInUrl('mongodb://root:$PASS@mongo'), undefined);
  });

  it('takes linear time on a huge value', () => {
    const started = performance.now();
    credentialsInUrl('x'.repeat(200000) + '://' + 'y'.repeat(200000));
    assert.ok(performance.now() - started < 200);
  });

  it('recognises secret-looking names but not references to secret files', () => {
    for (const n of [
      'POSTGRES_PASSWORD',
      'api_key',
      'GITHUB_TOKEN',
      'AWS_SECRET_ACCESS_KEY',
      'PRIVATE_KEY',
      'PGADMIN_DEFAULT_PASSWORD',
    ])
      assert.ok(looksLikeSecretName(n), n);
    for (const n of ['POSTGRES_PASSWORD_FILE', 'PGDATA', 'NODE_ENV', 'TOKEN_PATH', 'PASSWORD_MIN_LENGTH'])
      assert.ok(!looksLikeSecretName(n), n);
  });
});

describe('maskSecrets: the one masking function for tooltips, logs, run lines and errors', () => {
  const cases: [string, string][] = [
    // Environment entries: the whole value goes, spaces and all.
    ['GITHUB_TOKEN=abc', 'GITHUB_TOKEN=••••••'],
    ['DB_PASSWORD=two words', 'DB_PASSWORD=••••••'],
    ['MYSQL_PWD=hunter2', 'MYSQL_PWD=••••••'],
    ['DB_PASS=hunter2', 'DB_PASS=••••••'],
    ['ADMIN_PW=hunter2', 'ADMIN_PW=••••••'],
    ['MODE=prod', 'MODE=prod'],
    ['PWD=/app', 'PWD=/app'],
    ['PASSWORD_FILE=/run/secrets/db', 'PASSWORD_FILE=/run/secrets/db'],
    ['COMPASS=north', 'COMPASS=north'],
    // URLs: the password goes, the user and host stay.
    ['DATABASE_URL=postgres://app:s3cret@db:5432/app', 'DATABASE_URL=postgres://app:••••••@db:5432/app'],
    ['REDIS_URL=redis://:pw@cache:6379', 'REDIS_URL=redis://:••••••@cache:6379'],
    ['DSN=postgres://u:pa/ss@db', 'DSN=postgres://u:••••••@db'],
    ['URL=https://host:8080/path@x', 'URL=https://host:8080/path@x'],
    ['URL=https://user@host/x', 'URL=https://user@host/x'],
    ['URL=https://host/x?a=b@c', 'URL=https://host/x?a=b@c'],
    // Run lines and log lines: each assignment's value up to its word's end, or its closing quote.
    ['docker run -d -e API_TOKEN=abc -e MODE=prod img', 'docker run -d -e API_TOKEN=•••••• -e MODE=prod img'],
    ["docker run -e 'DB_PASSWORD=a b' -e MODE=x img", "docker run -e 'DB_PASSWORD=••••••' -e MODE=x img"],
    ['Started web: docker run -e "SECRET_KEY=x y" img', 'Started web: docker run -e "SECRET_KEY=••••••" img'],
    ['    - API_TOKEN=x', '    - API_TOKEN=••••••'],
    [
      'Running img: pull access denied for mongodb://root:pw@mongo',
      'Running img: pull access denied for mongodb://root:••••••@mongo',
    ],
    ['tcp://user:pw@10.0.0.1:2376 is not reachable', 'tcp://user:••••••@10.0.0.1:2376 is not reachable'],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected}`, () => assert.equal(maskSecrets(input), expected));
  }

  it('takes linear time on hostile input', () => {
    const shapes: [string, (n: number) => string][] = [
      ['many ://', (n) => '://'.repeat(n)],
      ['a long name with no value', (n) => 'a'.repeat(n * 3) + '='],
      ['many unfinished userinfos', (n) => 'x://u:'.repeat(n) + '@'],
      ['many assignments', (n) => 'TOKEN='.repeat(n)],
    ];
    for (const [what, make] of shapes) assertLinear((n) => maskSecrets(make(n)), 10000, what);
  });
});
