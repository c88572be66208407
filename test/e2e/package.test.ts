import * as assert from 'node:assert/strict';
import { packagedExtension } from '../support/codeServer';
import { zipEntries } from '../support/zipEntries';

describe('the packaged .vsix', function () {
  it('holds the bundle and assets, and nothing of src/, test/ or node_modules/', async function () {
    this.timeout(120000);
    const entries = zipEntries(await packagedExtension())
      .filter((e) => e.startsWith('extension/'))
      .map((e) => e.slice('extension/'.length));
    for (const required of [
      'package.json',
      'dist/extension.js',
      'dist/docker.js',
      // Compose validation, loaded by extension.js when the first compose file is checked.
      'dist/ajv.js',
      'dist/compose.schema.json',
      // Read by dockerode's own BuildKit modules, bundled into docker.js (Dockside's session carries its own).
      'dist/proto/auth.proto',
      'dist/proto/buildkit_status.proto',
      'media/icon.png',
      'media/dockside-activity.svg',
      'readme.md',
      'LICENSE.txt',
    ]) {
      assert.ok(
        entries.some((e) => e.toLowerCase() === required.toLowerCase()),
        `${required} is packaged`,
      );
    }
    for (const folder of ['media/', 'snippets/', 'syntaxes/'])
      assert.ok(
        entries.some((e) => e.startsWith(folder)),
        `${folder} is packaged`,
      );
    const unwanted = entries.filter(
      (e) =>
        /^(src|test|node_modules|bench|examples|scripts|\.cache)\//.test(e) || e.endsWith('.map') || e.endsWith('.ts'),
    );
    assert.deepEqual(unwanted, []);
  });
});
