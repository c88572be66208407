import * as assert from 'node:assert/strict';
import { hostPathBelow } from '../../src/docker/containerInside';
import {
  childPath,
  containerPath,
  decodePathStat,
  displayName,
  entryFromHeader,
  fromGoFileMode,
  invalidName,
  looksBinary,
  modeString,
  ownerText,
  parentPath,
  relativeToRoot,
} from '../../src/docker/containerPaths';

describe('container paths, as the archive API reads them', () => {
  it('never goes above the container root, whatever the .. and slashes', () => {
    assert.equal(containerPath('/../../etc/passwd'), '/etc/passwd');
    assert.equal(containerPath('a/../../b//./c/'), '/b/c');
    assert.equal(containerPath(''), '/');
    assert.equal(parentPath('/etc/passwd'), '/etc');
    assert.equal(parentPath('/etc'), '/');
  });

  it('takes any name but / and NUL, newlines included', () => {
    assert.equal(childPath('/tmp', 'two\nlines'), '/tmp/two\nlines');
    assert.equal(childPath('/', 'x'), '/x');
    assert.equal(invalidName('a/b'), 'A name cannot contain "/": that separates folders.');
    assert.equal(invalidName('..'), '".." names a folder itself, not an entry in it.');
    assert.equal(invalidName('a\0'), 'A name cannot contain a NUL character.');
    assert.throws(() => childPath('/tmp', '..'));
    assert.equal(displayName('two\nlines\x1b'), 'two\\nlines\\x1b');
  });

  it('reads the path-stat header: Go FileMode type bits, setuid/setgid/sticky, and the link target', () => {
    const header = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64');
    assert.deepEqual(
      decodePathStat(
        header({
          name: 'sh',
          size: 7,
          mode: 2 ** 27 + 0o777,
          mtime: '2026-01-01T00:00:00Z',
          linkTarget: '/bin/busybox',
        }),
      ),
      { name: 'sh', size: 7, type: 'symlink', mode: 0o777, mtime: 1767225600, linkTarget: '/bin/busybox' },
    );
    assert.deepEqual(fromGoFileMode(2 ** 31 + 2 ** 20 + 0o777), { type: 'directory', mode: 0o1777 });
    assert.deepEqual(fromGoFileMode(2 ** 23 + 0o755), { type: 'file', mode: 0o4755 });
    assert.deepEqual(fromGoFileMode(2 ** 26 + 0o660), { type: 'other', mode: 0o660 });
    assert.equal(decodePathStat('not base64 json'), undefined);
    assert.equal(decodePathStat(undefined), undefined);
  });

  it('writes modes and owners as ls -l does', () => {
    assert.equal(modeString('directory', 0o1777), 'drwxrwxrwt');
    assert.equal(modeString('file', 0o4750), '-rwsr-x---');
    assert.equal(modeString('file', 0o2644), '-rw-r-Sr--');
    assert.equal(modeString('symlink', 0o777), 'lrwxrwxrwx');
    assert.equal(ownerText({ uid: 1000, gid: 50, uname: 'app' }), 'app:50');
    const e = entryFromHeader({ name: 'x', type: 'file', size: 3, mode: 0o100640, uid: 1, gid: 2 }, 'x');
    assert.deepEqual([e.type, e.mode, e.size], ['file', 0o640, 3]);
  });

  it('places archive entries below the folder asked for, and nothing outside it', () => {
    assert.equal(relativeToRoot('www/', 'www/'), '');
    assert.equal(relativeToRoot('www/', 'www/css/site.css'), 'css/site.css');
    assert.equal(relativeToRoot('www/', 'wwwx/a'), undefined);
    assert.equal(relativeToRoot('/', 'etc/'), undefined);
  });

  it('downloads only below the chosen folder: no .., no empty part, nothing this machine cannot name', () => {
    assert.equal(hostPathBelow('/home/me/dl', 'a/b.txt', 'linux'), '/home/me/dl/a/b.txt');
    assert.equal(hostPathBelow('/home/me/dl', '../../etc/passwd', 'linux'), undefined);
    assert.equal(hostPathBelow('/home/me/dl', 'a//b', 'linux'), undefined);
    assert.equal(hostPathBelow('/home/me/dl', 'a\\..\\b', 'linux'), undefined);
    assert.equal(hostPathBelow('C:\\dl', 'con:x', 'win32'), undefined);
    assert.equal(hostPathBelow('C:\\dl', 'a/b', 'win32'), 'C:\\dl\\a\\b');
  });

  it('calls a file binary when its first 8000 bytes hold a NUL, as git does', () => {
    assert.equal(looksBinary(Buffer.from('plain text\n')), false);
    assert.equal(looksBinary(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0])), true);
    const late = Buffer.alloc(9000, 0x61);
    late[8500] = 0;
    assert.equal(looksBinary(late), false);
  });
});
