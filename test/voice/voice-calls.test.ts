// Local voice calls through real agents-js AgentSessions: espeak-ng speech in real-time 20 ms
// frames, real Silero VAD, VAD end-of-turn, the scripted STT, espeak TTS played back at 1×.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Runtime } from '../../runtime/runtime';
import type { Workspace } from '../runtime/engine-workspace';
import { makeVoiceWorkspace } from './voice-workspace';

const PLAYED = /^voice: played (\d+) ms of the agent's (\d+) ms of audio in (\d+) ms( \(interrupted\))?$/;

describe('voice calls', () => {
  let ws: Workspace;
  let rt: Runtime;
  before(async () => {
    ws = makeVoiceWorkspace([
      { agentName: 'frontdesk', greeting: 'Hello, front desk.' },
      { agentName: 'counted', greeting: 'Hello.', countVadStreams: true },
      {
        agentName: 'talker',
        greeting:
          'Welcome to the hotel. Let me tell you about our rooms, our restaurant, the spa on the top floor, ' +
          'the pool that opens at seven, and the many excursions our concierge can arrange for you this week.',
      },
    ]);
    rt = await Runtime.start({ workspaceDir: ws.dir, watch: false });
  });
  after(async () => {
    await rt.stop();
    ws.cleanup();
  });

  const messages = async (sessionId: string, logger?: string): Promise<string[]> =>
    (await rt.logs({ session_id: sessionId, limit: 100_000 })).records
      .filter((x) => logger === undefined || x.logger === logger)
      .map((x) => String(x.message));

  it("the caller's turns reach the agent as transcripts in order, its audio plays at 1×, and the call ends cleanly", async () => {
    const turns = ['I would like a room for tonight.', 'Two nights, please.', 'Thank you, goodbye.'];
    const r = await rt.startCalls({
      agent: 'frontdesk',
      tenant: 'acme',
      voice: true,
      say: turns,
      reply_timeout_ms: 30_000,
    });
    assert.equal(r.succeeded, 1, JSON.stringify(r));
    const id = r.sessions[0]!;
    const dialogue = await messages(id, 'call');
    // The STT heard exactly what the caller said, turn by turn: the agent echoes each transcript.
    assert.deepEqual(
      dialogue.filter((l) => l.startsWith('agent:')),
      ['agent: Hello, front desk.', ...turns.map((t) => `agent: acme heard ${t}`)],
      dialogue.join('\n'),
    );
    const all = await messages(id);
    const played = all.map((m) => PLAYED.exec(m)).filter((m): m is RegExpExecArray => m !== null);
    assert.equal(played.length, 4, all.join('\n'));
    for (const [, playedMs, audioMs, wallMs, interrupted] of played) {
      assert.equal(interrupted, undefined);
      assert.equal(playedMs, audioMs);
      // Played at 1×: never faster than the audio lasts, and not stalled (generous: loaded host).
      assert.ok(Number(wallMs) >= Number(audioMs) - 5, `${wallMs} ms for ${audioMs} ms of audio`);
      assert.ok(Number(wallMs) <= Number(audioMs) * 1.5 + 500, `${wallMs} ms for ${audioMs} ms of audio`);
    }
    const end = all.find((m) => m.startsWith('voice: call ended'));
    assert.match(String(end), /sent (\d+) frames of 20 ms \((\d+) of speech\)/);
    assert.ok(
      all.some((m) => m.startsWith('session ended')),
      all.join('\n'),
    );
  });

  it('a voice session runs one Silero VAD stream: the scripted STT is a streaming STT, with no VAD adapter of its own', async () => {
    // A non-streaming STT would make agents-js wrap it in a StreamAdapter with a second VAD stream.
    const r = await rt.startCalls({
      agent: 'counted',
      tenant: 'acme',
      voice: true,
      say: ['A table for two, please.'],
      reply_timeout_ms: 30_000,
    });
    assert.equal(r.succeeded, 1, JSON.stringify(r));
    const dialogue = await messages(r.sessions[0]!, 'call');
    assert.deepEqual(
      dialogue.filter((l) => l.startsWith('agent:')),
      ['agent: Hello.', 'agent: acme heard A table for two, please. over 1 VAD stream(s)'],
      dialogue.join('\n'),
    );
  });

  it('a caller who talks over the agent interrupts it, and the AgentSession reports the interruption', async () => {
    const r = await rt.startCalls({
      agent: 'talker',
      tenant: 'acme',
      voice: true,
      barge_in: true,
      think_ms: 2500,
      say: ['Sorry, I just need a taxi.'],
      reply_timeout_ms: 30_000,
    });
    assert.equal(r.succeeded, 1, JSON.stringify(r));
    const all = await messages(r.sessions[0]!);
    assert.ok(
      all.some((m) => m.startsWith('voice: the caller interrupted the agent\'s speech: "Welcome to the hotel.')),
      all.join('\n'),
    );
    const first = all.map((m) => PLAYED.exec(m)).find((m) => m !== null);
    assert.ok(first?.[4], `the greeting's playback was cut short:\n${all.join('\n')}`);
    assert.ok(Number(first[1]) < Number(first[2]), all.join('\n'));
    // The cut-short greeting answers nothing: the caller waited for, and got, the answer to its turn.
    const dialogue = await messages(r.sessions[0]!, 'call');
    assert.equal(dialogue.length, 3, dialogue.join('\n'));
    assert.equal(dialogue[0], 'caller: Sorry, I just need a taxi.');
    assert.match(dialogue[1]!, /^agent: Welcome to the hotel\./);
    assert.equal(dialogue[2], 'agent: acme heard Sorry, I just need a taxi.');
  });
});
