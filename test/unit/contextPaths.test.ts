import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { contextRelative, summarizeContext, type ContextEntry, type ContextFs } from '../../src/docker/buildContext';
import { dockerfileLabelValue, matchesDockerfileLabel } from '../../src/docker/dockerfileLabel';

/**
 * A Windows folder tree (paths with drive letters and backslashes, path.win32's rules) that a walk reads as it
 * reads a disk: `files` maps each file's full path to its text. `caseInsensitive` is what the volume answers.
 */
function windowsTree(files: Record<string, string>, caseInsensitive: boolean): ContextFs {
  const paths = path.win32;
  // NTFS keeps each name's case and finds it in any case; the lookups here do the same.
  const key = (p: string) => (caseInsensitive ? paths.normalize(p).toLowerCase() : paths.normalize(p));
  const byKey = new Map(Object.entries(files).map(([p, text]) => [key(p), text]));
  const entry = (name: string, dir: boolean): ContextEntry => ({
    name,
    isDirectory: () => dir,
    isFile: () => !dir,
    isSymbolicLink: () => false,
  });
  return {
    paths,
    list: (dir) => {
      const prefix = key(dir) + '\\';
      const seen = new Map<string, ContextEntry>();
      for (const full of Object.keys(files)) {
        if (!key(full).startsWith(prefix)) continue;
        const [name = '', ...under] = paths.normalize(full).slice(prefix.length).split('\\');
        if (!seen.has(name)) seen.set(name, entry(name, under.length > 0));
      }
      return [...seen.values()];
    },
    readText: (file) => byKey.get(key(file)),
    size: (file) => byKey.get(key(file))?.length,
    ignoresCase: () => caseInsensitive,
  };
}

const PROJECT = {
  'C:\\proj\\.dockerignore': 'src/*.js\nnode_modules\n',
  'C:\\proj\\Dockerfile': 'FROM scratch\n',
  'C:\\proj\\src\\app.js': 'left out by src/*.js',
  'C:\\proj\\src\\app.ts': 'sent',
  'C:\\proj\\src\\lib\\util.js': 'sent: * stays in one folder',
  'C:\\proj\\Node_Modules\\left-pad\\index.js': 'left out on NTFS, whatever the case',
};

describe('build contexts with Windows paths (path.win32)', () => {
  it('names files inside the context as Docker does: relative, with forward slashes, drive letter in any case', () => {
    assert.equal(contextRelative('C:\\proj', 'C:\\proj\\src\\app.js', path.win32), 'src/app.js');
    assert.equal(
      contextRelative('c:\\proj\\', 'C:\\Proj\\docker\\api.Dockerfile', path.win32),
      'docker/api.Dockerfile',
    );
    assert.equal(contextRelative('C:/proj', 'C:/proj/src/app.js', path.win32), 'src/app.js', 'forward slashes too');
  });

  it('matches C:\\proj\\src\\app.js against src/*.js, and leaves out node_modules whatever its case on NTFS', () => {
    const summary = summarizeContext('C:\\proj', {
      dockerfile: 'C:\\proj\\Dockerfile',
      files: windowsTree(PROJECT, true),
    });
    assert.deepEqual(summary.files, ['.dockerignore', 'Dockerfile', 'src/app.ts', 'src/lib/util.js']);
    assert.deepEqual(summary.leftOut, { files: ['src/app.js'], folders: ['Node_Modules'] });
    assert.equal(
      summary.bytes,
      ['src/*.js\nnode_modules\n', 'FROM scratch\n', 'sent', 'sent: * stays in one folder']
        .map((t) => t.length)
        .reduce((a, b) => a + b),
    );
  });

  it('keeps case where the volume does (a case-sensitive folder, as WSL can make): Node_Modules is then sent', () => {
    const summary = summarizeContext('C:\\proj', { files: windowsTree(PROJECT, false) });
    assert.deepEqual(summary.leftOut.folders, []);
    assert.ok(summary.files.includes('Node_Modules/left-pad/index.js'));
  });

  it('always sends the Dockerfile, even when its path is given in another case than its name on disk', () => {
    const summary = summarizeContext('c:\\PROJ', {
      dockerfile: 'C:\\proj\\docker\\API.Dockerfile',
      files: windowsTree(
        {
          'C:\\proj\\.dockerignore': 'docker\n',
          'C:\\proj\\docker\\api.Dockerfile': 'FROM scratch\n',
          'C:\\proj\\docker\\notes.txt': 'left out',
        },
        true,
      ),
    });
    assert.deepEqual(summary.files, ['.dockerignore', 'docker/api.Dockerfile']);
    assert.deepEqual(summary.leftOut.files, ['docker/notes.txt']);
  });

  it('labels the image with the Dockerfile path the engine is sent, and finds the file again in any case', () => {
    // VS Code gives a lower-case drive letter; a path typed by hand may have an upper-case one.
    assert.equal(
      dockerfileLabelValue('c:\\proj', 'C:\\proj\\docker\\api.Dockerfile', path.win32),
      'docker/api.Dockerfile',
    );
    assert.equal(dockerfileLabelValue('C:\\Proj\\', 'c:\\proj\\Dockerfile', path.win32), 'Dockerfile');
    assert.ok(matchesDockerfileLabel('services\\Docker\\API.Dockerfile', 'docker/api.Dockerfile', true));
    assert.ok(!matchesDockerfileLabel('services\\Docker\\API.Dockerfile', 'docker/api.Dockerfile', false));
    assert.ok(!matchesDockerfileLabel('services\\docker\\api.Dockerfile.bak', 'docker/api.Dockerfile', true));
  });
});
