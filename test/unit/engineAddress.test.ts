import * as assert from 'node:assert/strict';
import {
  defaultEngineAddress,
  describeEngineAddress,
  engineAddressUrl,
  parseEngineAddress,
  toDockerodeOptions,
} from '../../src/docker/engineAddress';

describe('engine addresses', () => {
  it('parses unix sockets, and an empty value as the default socket', () => {
    assert.deepEqual(parseEngineAddress('unix:///tmp/x/docker.sock'), {
      kind: 'unix',
      socketPath: '/tmp/x/docker.sock',
    });
    assert.deepEqual(parseEngineAddress(''), { kind: 'unix', socketPath: '/var/run/docker.sock' });
  });

  it('parses tcp with and without TLS, with default ports', () => {
    assert.deepEqual(parseEngineAddress('tcp://127.0.0.1:23750'), {
      kind: 'tcp',
      host: '127.0.0.1',
      port: 23750,
      tls: false,
    });
    assert.deepEqual(parseEngineAddress('tcp://docker.example', true), {
      kind: 'tcp',
      host: 'docker.example',
      port: 2376,
      tls: true,
    });
    assert.deepEqual(parseEngineAddress('tcp://[::1]:2375'), { kind: 'tcp', host: '::1', port: 2375, tls: false });
  });

  it('parses ssh with a user', () => {
    const a = parseEngineAddress('ssh://deploy@build-host:2222');
    assert.deepEqual(a, { kind: 'ssh', host: 'build-host', port: 2222, username: 'deploy' });
    assert.equal(describeEngineAddress(a), 'ssh://deploy@build-host:2222');
    assert.deepEqual(toDockerodeOptions(a), { host: 'build-host', port: 2222, protocol: 'ssh', username: 'deploy' });
  });

  it('reads a named pipe as the CLI writes it, and writes it back the same way', () => {
    const a = parseEngineAddress('npipe:////./pipe/dockerDesktopLinuxEngine');
    assert.deepEqual(a, { kind: 'npipe', socketPath: '\\\\.\\pipe\\dockerDesktopLinuxEngine' });
    assert.deepEqual(toDockerodeOptions(a), { socketPath: '\\\\.\\pipe\\dockerDesktopLinuxEngine' });
    assert.equal(engineAddressUrl(a), 'npipe:////./pipe/dockerDesktopLinuxEngine');
    assert.deepEqual(parseEngineAddress(engineAddressUrl(a)), a);
  });

  it("names the default context's engine per platform: the pipe on Windows, the socket elsewhere", () => {
    assert.equal(engineAddressUrl(defaultEngineAddress('win32')), 'npipe:////./pipe/docker_engine');
    assert.equal(engineAddressUrl(defaultEngineAddress('darwin')), 'unix:///var/run/docker.sock');
    assert.equal(engineAddressUrl(defaultEngineAddress('linux')), 'unix:///var/run/docker.sock');
  });

  it('rejects nonsense with a message that names the value', () => {
    assert.throws(() => parseEngineAddress('ftp://x'), /unsupported scheme "ftp"/);
    assert.throws(() => parseEngineAddress('localhost:2375'), /"localhost:2375" is not an engine address/);
    assert.throws(() => parseEngineAddress('unix://relative.sock'), /absolute path/);
  });
});
