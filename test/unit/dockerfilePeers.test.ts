import * as assert from 'node:assert/strict';
import { DockerfileService } from '../../src/language/dockerfile/dockerfileService';
import { asSyntaxErrorsSetting, isSyntaxCheck, PEER_LINTERS, showsSyntaxErrors } from '../../src/language/peerLinters';

describe('syntax errors beside other Docker extensions (dockside.dockerfile.syntaxErrors)', () => {
  const docker = 'ms-azuretools.vscode-docker';

  it('knows the extensions that already show Dockerfile syntax errors', () => {
    assert.deepEqual(
      PEER_LINTERS.map((p) => p.id),
      [docker, 'ms-azuretools.vscode-containers', 'docker.docker'],
    );
  });

  it('shows them by default, and leaves them to a peer when one is installed', () => {
    assert.equal(showsSyntaxErrors('auto', []), true);
    assert.equal(showsSyntaxErrors('auto', [docker]), false);
    assert.equal(showsSyntaxErrors('show', [docker]), true);
    assert.equal(showsSyntaxErrors('hide', []), false);
  });

  it('reads an unknown value as auto', () => {
    assert.equal(asSyntaxErrorsSetting('sometimes'), 'auto');
    assert.equal(asSyntaxErrorsSetting(undefined), 'auto');
    assert.equal(asSyntaxErrorsSetting('hide'), 'hide');
  });

  it("drops only dockerfile-utils' checks, never Dockside's own rules", () => {
    const found = new DockerfileService().diagnose({ uri: 'p', version: 1, text: 'FROM node\nRUNN x\n' });
    assert.deepEqual(
      found
        .filter((d) => !isSyntaxCheck(d))
        .map((d) => d.code)
        .sort(),
      ['DS001', 'DS002', 'DS013'],
    );
    assert.deepEqual(
      found.filter(isSyntaxCheck).map((d) => d.code),
      ['DSX038'],
    );
  });
});
