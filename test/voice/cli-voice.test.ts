// `openrtc call --voice` through the real bundled CLI against a real `openrtc run`: a voice call
// succeeds, the help says what is real and what is scripted, and a runtime whose PATH has no
// espeak-ng refuses voice calls with an error that names the package (text calls still work).
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BuiltCli, exitOf } from '../runtime/cli-helpers';
import type { Workspace } from '../runtime/engine-workspace';
import { makeVoiceWorkspace } from './voice-workspace';

const cli = new BuiltCli('voice');

describe('openrtc call --voice', () => {
  let ws: Workspace;
  let noEspeak: string;
  const runtimes: ChildProcessWithoutNullStreams[] = [];
  before(() => {
    cli.build();
    ws = makeVoiceWorkspace([{ agentName: 'frontdesk', greeting: 'Hello.' }]);
    noEspeak = mkdtempSync(join(tmpdir(), 'path-without-espeak-'));
  });
  after(async () => {
    for (const child of runtimes) {
      child.kill('SIGTERM');
      await exitOf(child);
    }
    ws.cleanup();
    rmSync(noEspeak, { recursive: true, force: true });
    cli.remove();
  });

  const startRuntime = async (sock: string, env: NodeJS.ProcessEnv = {}) => {
    const started = await cli.start(['run', ws.dir, '--socket', sock], /listening on/, env, 60_000);
    runtimes.push(started.child);
  };

  it('--help says what is real and what is scripted', async () => {
    const r = await cli.run(['call', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /What is real: the audio \(espeak-ng speech/);
    assert.match(r.stdout, /Silero, through the agents-js plugin/);
    assert.match(r.stdout, /What is scripted: speech-to-text/);
    const stray = await cli.run(['call', 'frontdesk', '--tenant', 'acme', '--barge-in']);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /--barge-in is for voice calls; add --voice/);
  });

  it('places a voice call that succeeds', async () => {
    const sock = join(ws.dir, 'voice.sock');
    await startRuntime(sock);
    const r = await cli.run([
      'call',
      'frontdesk',
      '--tenant',
      'acme',
      '--voice',
      '--voice-rate',
      '190',
      '--say',
      'Is breakfast included?',
      '--socket',
      sock,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal((JSON.parse(r.stdout) as { succeeded: number }).succeeded, 1);
  });

  it('with no espeak-ng on PATH, a voice call is refused naming the package; text calls still run', async () => {
    const sock = join(ws.dir, 'no-espeak.sock');
    // node itself is started by absolute path; the PATH holds nothing at all.
    await startRuntime(sock, { PATH: noEspeak });
    const r = await cli.run(['call', 'frontdesk', '--tenant', 'acme', '--voice', '--say', 'hi', '--socket', sock]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /install the espeak-ng package \(Debian\/Ubuntu: sudo apt-get install espeak-ng\)/);
    const text = await cli.run(['call', 'frontdesk', '--tenant', 'acme', '--say', 'hi', '--socket', sock]);
    assert.equal(text.code, 0, text.stdout + text.stderr);
  });
});
