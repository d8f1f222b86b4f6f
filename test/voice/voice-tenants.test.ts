// Two tenants' voice calls at once on one loop never exchange audio or transcripts: each agent
// hears only its own caller's words, each caller's microphone carried only its own speech, and
// each caller played only its own agent's audio (frame counts checked against espeak-ng's
// synthesis of exactly those lines).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Runtime } from '../../runtime/runtime';
import { DEFAULT_CALLER_VOICE } from '../../runtime/caller/caller-voice';
import { DEFAULT_AGENT_VOICE, Espeak } from '../../runtime/agents/livekit/voice/espeak';
import { FRAME_MS, FRAME_SAMPLES } from '../../runtime/agents/livekit/voice/pcm';
import { SpeechCache } from '../../runtime/agents/livekit/voice/speech-cache';
import type { Workspace } from '../runtime/engine-workspace';
import { makeVoiceWorkspace } from './voice-workspace';

const PLAYED = /^voice: played (\d+) ms of the agent's (\d+) ms of audio in (\d+) ms/;
const SENT = /^voice: call ended: sent \d+ frames of 20 ms \((\d+) of speech\)/;

describe('two tenants in voice calls at once', () => {
  let ws: Workspace;
  let rt: Runtime;
  const speech = new SpeechCache(new Espeak());
  const frames = async (text: string, voice: { voice: string; rate: number }): Promise<number> =>
    Math.ceil((await speech.speech(text, voice)).length / FRAME_SAMPLES);

  before(async () => {
    ws = makeVoiceWorkspace([{ agentName: 'frontdesk', greeting: 'Hello.' }]);
    rt = await Runtime.start({ workspaceDir: ws.dir, watch: false });
  });
  after(async () => {
    await rt.stop();
    ws.cleanup();
  });

  it('never exchange audio or transcripts', async () => {
    const script: Record<string, string[]> = {
      acme: ['I need a plumber on Monday.', 'Make it the morning.'],
      globex: ['Cancel my dentist appointment.', 'Yes, the one on Friday.', 'Thanks.'],
    };
    const results = await Promise.all(
      Object.entries(script).map(([tenant, say]) =>
        rt.startCalls({ agent: 'frontdesk', tenant, voice: true, say, reply_timeout_ms: 30_000 }),
      ),
    );
    for (const [i, [tenant, say]] of Object.entries(script).entries()) {
      const r = results[i]!;
      assert.equal(r.succeeded, 1, JSON.stringify(r));
      const records = (await rt.logs({ session_id: r.sessions[0]!, limit: 100_000 })).records;
      for (const x of records) assert.equal(x.tenant, tenant);
      const messages = records.map((x) => String(x.message));
      const replies = records.filter((x) => x.logger === 'call' && String(x.message).startsWith('agent:'));
      const expectedReplies = ['Hello.', ...say.map((t) => `${tenant} heard ${t}`)];
      assert.deepEqual(
        replies.map((x) => x.message),
        expectedReplies.map((t) => `agent: ${t}`),
        messages.join('\n'),
      );
      // The microphone carried exactly this caller's speech frames, nobody else's.
      let speechFrames = 0;
      for (const t of say) speechFrames += await frames(t, DEFAULT_CALLER_VOICE);
      const sent = messages.map((m) => SENT.exec(m)).find((m) => m !== null);
      assert.equal(Number(sent?.[1]), speechFrames, messages.join('\n'));
      // Each played segment is this agent's own line, as long as espeak-ng makes it.
      const played = messages.map((m) => PLAYED.exec(m)).filter((m): m is RegExpExecArray => m !== null);
      assert.equal(played.length, expectedReplies.length, messages.join('\n'));
      for (const [k, line] of expectedReplies.entries()) {
        const expectedMs = (await frames(line, DEFAULT_AGENT_VOICE)) * FRAME_MS;
        assert.ok(
          Math.abs(Number(played[k]![2]) - expectedMs) <= 2 * FRAME_MS,
          `${line}: ${played[k]![0]} vs ${expectedMs} ms`,
        );
      }
    }
  });
});
