import * as assert from 'node:assert/strict';
import { credentialsInUrl, looksLikeSecretName } from '../../src/language/secrets';

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
    for (const n of ['POSTGRES_PASSWORD', 'api_key', 'GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'PRIVATE_KEY', 'PGADMIN_DEFAULT_PASSWORD']) assert.ok(looksLikeSecretName(n), n);
    for (const n of ['POSTGRES_PASSWORD_FILE', 'PGDATA', 'NODE_ENV', 'TOKEN_PATH', 'PASSWORD_MIN_LENGTH']) assert.ok(!looksLikeSecretName(n), n);
  });
});
