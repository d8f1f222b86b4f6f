// The checks a voice call passes before any session starts: each refusal says why.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ControlError, ErrorCodes } from '../../protocol/control';
import type { LoadedAgent } from '../../runtime/agents/registry';
import { checkVoiceCall } from '../../runtime/agents/livekit/voice/voice-params';

const agent = (livekit: boolean): LoadedAgent => ({
  name: 'desk',
  file: '/ws/agents/desk.ts',
  version: 1,
  scriptName: 'desk.ts',
  definition: { name: 'desk', entry: () => undefined, ...(livekit ? { livekit: {} } : {}) },
  proc: { userData: {} },
});
const shared = (): boolean => false;

async function refusal(run: Promise<void>, code: number, why: RegExp): Promise<void> {
  await assert.rejects(run, (e: unknown) => {
    assert.ok(e instanceof ControlError);
    assert.equal(e.code, code);
    assert.match(e.message, why);
    return true;
  });
}

describe('voice call checks', () => {
  it('passes a voice call to an agents-js agent, and any text call', async () => {
    await checkVoiceCall({ agent: 'desk', tenant: 'acme', voice: true }, agent(true), shared);
    await checkVoiceCall({ agent: 'desk', tenant: 'acme' }, agent(false), shared);
  });

  it('refuses voice settings without voice, bad settings, our own agents, and tenants in their own process', async () => {
    await refusal(
      checkVoiceCall({ agent: 'desk', barge_in: true }, agent(true), shared),
      ErrorCodes.InvalidParams,
      /barge_in is for voice calls; add voice: true/,
    );
    await refusal(
      checkVoiceCall({ agent: 'desk', voice: true, voice_name: 'x y' }, agent(true), shared),
      ErrorCodes.InvalidParams,
      /not an espeak-ng voice name/,
    );
    await refusal(
      checkVoiceCall({ agent: 'desk', voice: true }, agent(false), shared),
      ErrorCodes.Unsupported,
      /desk \(\/ws\/agents\/desk\.ts\) is not an agents-js agent/,
    );
    await refusal(
      checkVoiceCall({ agent: 'desk', tenant: 'acme', voice: true }, agent(true), (t) => t === 'acme'),
      ErrorCodes.Unsupported,
      /tenant acme runs in its own process/,
    );
  });
});
