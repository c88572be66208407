import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { dockerfileLabelValue, labelledDockerfilePath, matchesDockerfileLabel } from '../../src/docker/dockerfileLabel';

describe('the com.dockside.dockerfile label', () => {
  it('holds the Dockerfile path relative to the build context, with forward slashes', () => {
    assert.equal(dockerfileLabelValue('/home/ann/proj', '/home/ann/proj/Dockerfile', path.posix), 'Dockerfile');
    assert.equal(
      dockerfileLabelValue('/home/ann/proj', '/home/ann/proj/docker/api.Dockerfile', path.posix),
      'docker/api.Dockerfile',
    );
    assert.equal(
      dockerfileLabelValue('C:\\Users\\ann\\proj', 'C:\\Users\\ann\\proj\\docker\\Dockerfile', path.win32),
      'docker/Dockerfile',
    );
  });

  it('never holds the absolute local path', () => {
    const value = dockerfileLabelValue('/home/ann/secret-project', '/home/ann/secret-project/Dockerfile', path.posix);
    assert.ok(!value.includes('/home/ann'), value);
  });

  it('is read back only as a safe relative path', () => {
    assert.equal(labelledDockerfilePath('Dockerfile'), 'Dockerfile');
    assert.equal(labelledDockerfilePath('./docker//api.Dockerfile'), 'docker/api.Dockerfile');
    assert.equal(labelledDockerfilePath('docker\\Dockerfile'), 'docker/Dockerfile');
    for (const hostile of [
      '/etc/passwd',
      '/home/ann/proj/Dockerfile',
      '../../etc/shadow',
      'a/../../b',
      'C:\\Windows\\win.ini',
      'c:/x',
      '',
      undefined,
      'a\0b',
      'x'.repeat(5000),
    ]) {
      assert.equal(labelledDockerfilePath(hostile), undefined, String(hostile).slice(0, 40));
    }
  });

  it('matches workspace files at that path, in any context folder', () => {
    assert.ok(matchesDockerfileLabel('Dockerfile', 'Dockerfile'));
    assert.ok(matchesDockerfileLabel('services/api/Dockerfile', 'Dockerfile'));
    assert.ok(matchesDockerfileLabel('services\\api\\docker\\Dockerfile', 'docker/Dockerfile'));
    assert.ok(!matchesDockerfileLabel('services/api/MyDockerfile', 'Dockerfile'));
    assert.ok(!matchesDockerfileLabel('Dockerfile.dev', 'Dockerfile'));
  });
});
