// The checks a voice call passes before any session starts, each refusing the whole request
// with a message that says why: voice settings without --voice, a voice setting espeak-ng would
// not take, an agent that is not an agents-js agent (our own agents have no audio path), a tenant
// whose sessions run in a child process (no voice path there yet), and a machine without
// espeak-ng (the message names the package).
import { ControlError, ErrorCodes, type StartCallsParams } from '../../../../protocol/control';
import { messageOf } from '../../../../protocol/errors';
import { callerVoiceFromParams } from '../../../caller/caller-voice';
import type { LoadedAgent } from '../../registry';
import { speechVoiceProblem } from './espeak';
import { checkSpeech } from './speech-service';

const VOICE_ONLY = ['voice_name', 'voice_rate', 'barge_in'] as const;

export async function checkVoiceCall(
  p: StartCallsParams,
  agent: LoadedAgent,
  /** The tenant's sessions run in a child process, which has no voice path yet. */
  inOwnProcess: (tenant: string) => boolean,
): Promise<void> {
  if (!p.voice) {
    const stray = VOICE_ONLY.find((k) => p[k] !== undefined);
    if (stray)
      throw new ControlError(ErrorCodes.InvalidParams, `startCalls: ${stray} is for voice calls; add voice: true`);
    return;
  }
  const problem = speechVoiceProblem(callerVoiceFromParams(p));
  if (problem) throw new ControlError(ErrorCodes.InvalidParams, `startCalls: voice_name/voice_rate: ${problem}`);
  if (!('livekit' in agent.definition))
    throw new ControlError(
      ErrorCodes.Unsupported,
      `startCalls: ${agent.name} (${agent.file}) is not an agents-js agent; voice calls drive an agents-js AgentSession's audio (use a text call for it)`,
    );
  const tenant = p.tenant ?? p.metadata?.['tenant'];
  if (typeof tenant === 'string' && inOwnProcess(tenant))
    throw new ControlError(
      ErrorCodes.Unsupported,
      `startCalls: tenant ${tenant} runs in its own process, where voice calls are not supported yet; use a text call, or restore the tenant to the shared loop`,
    );
  try {
    await checkSpeech();
  } catch (error) {
    throw new ControlError(ErrorCodes.Unsupported, `startCalls: ${messageOf(error)}`);
  }
}
