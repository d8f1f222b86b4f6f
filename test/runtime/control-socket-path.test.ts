import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSocketDir, defaultSocketPath, socketNameForWorkspace } from '../../protocol/socket-path';
import { ensureSocketDir, prepareSocketPath } from '../../runtime/control/socket-path';
import { startControlServer } from '../../runtime/control/server';
import { leaveStaleSocket } from '../helpers/stale-socket';
import { RecordingApi } from './control-fake-api';

describe('control socket path', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'orc-sp-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('defaults under XDG_RUNTIME_DIR, else the temp dir, in openrtc-<uid>', () => {
    const uid = process.getuid?.() ?? 0;
    assert.equal(defaultSocketDir({ XDG_RUNTIME_DIR: '/run/user/5' }), `/run/user/5/openrtc-${uid}`);
    assert.equal(defaultSocketDir({}), join(tmpdir(), `openrtc-${uid}`));
  });

  it('names sockets per workspace, stably', () => {
    const a = join(root, 'wa');
    const b = join(root, 'wb');
    mkdirSync(a);
    mkdirSync(b);
    assert.equal(socketNameForWorkspace(a), socketNameForWorkspace(a));
    assert.notEqual(socketNameForWorkspace(a), socketNameForWorkspace(b));
    assert.match(defaultSocketPath(a, { XDG_RUNTIME_DIR: root }), /openrtc-\d+\/ws-[0-9a-f]{12}\.sock$/);
  });

  it('creates the directory 0700 and tightens an existing looser one', () => {
    const fresh = join(root, 'fresh', 'openrtc-x');
    ensureSocketDir(fresh);
    assert.equal(statSync(fresh).mode & 0o777, 0o700);
    const loose = join(root, 'loose');
    mkdirSync(loose, { mode: 0o755 });
    chmodSync(loose, 0o755);
    ensureSocketDir(loose);
    assert.equal(statSync(loose).mode & 0o777, 0o700);
  });

  it('refuses a symlinked directory', () => {
    const real = join(root, 'real');
    mkdirSync(real, { mode: 0o700 });
    const link = join(root, 'link');
    symlinkSync(real, link);
    assert.throws(() => ensureSocketDir(link), /refusing socket directory .*link: it is a symbolic link/);
  });

  it('refuses a directory owned by another user', { skip: process.getuid?.() !== 0 && 'needs root to chown' }, () => {
    const theirs = join(root, 'theirs');
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, 4242, 4242);
    assert.throws(() => ensureSocketDir(theirs), /owned by uid 4242/);
  });

  it('refuses a path that exists and is not a socket, and an over-long path', async () => {
    const dir = join(root, 'plain');
    ensureSocketDir(dir);
    writeFileSync(join(dir, 'x.sock'), 'not a socket');
    await assert.rejects(prepareSocketPath(join(dir, 'x.sock')), /exists and is not a socket/);
    await assert.rejects(prepareSocketPath(join(dir, 'y'.repeat(120))), /over the 107-byte limit/);
  });

  it('refuses a socket somebody answers on: two runtimes never clobber each other', async () => {
    const path = join(root, 'live', 'rt.sock');
    const first = await startControlServer({ api: new RecordingApi(), socketPath: path });
    await assert.rejects(
      startControlServer({ api: new RecordingApi(), socketPath: path }),
      /another runtime is already listening on/,
    );
    assert.ok(existsSync(path), "the first runtime's socket is untouched");
    await first.close();
    assert.ok(!existsSync(path), 'removed on close');
  });

  it('replaces a stale socket left by a killed process', async () => {
    const path = join(root, 'stale', 'rt.sock');
    ensureSocketDir(join(root, 'stale'));
    await leaveStaleSocket(path);
    assert.ok(statSync(path).isSocket(), 'stale socket file present');
    const server = await startControlServer({ api: new RecordingApi(), socketPath: path });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    await server.close();
  });
});
