// `openrtc call AGENT --tenant T [--say TEXT]... | [--script FILE] [--count N] [--concurrency C]
//  [--voice [--voice-name V] [--voice-rate WPM] [--barge-in]] [--metadata JSON] [--socket PATH] [--json]`:
// places local test calls (text, or voice for agents-js agents) and waits for them to end.
import type { StartCallsParams } from '../../protocol/control';
import { loadScenarioFile, ScenarioError } from '../caller/scenario';
import { tenantIdProblem } from '../../protocol/tenant-id';
import { summarizeCalls } from '../../protocol/wording';
import { EXIT_FAILED, EXIT_OK, intArg, parseCommandArgs, usageError, type Command } from './command';
import { resolveSocket, withClient } from './runtime-link';
import { messageOf } from '../../protocol/errors';

const USAGE = `usage: openrtc call AGENT --tenant T [--say TEXT]... | [--script FILE] [--count N] [--concurrency C]
                    [--voice [--voice-name V] [--voice-rate WPM] [--barge-in]]
                    [--metadata JSON] [--socket PATH] [--json]

Places N local test calls to AGENT for tenant T on a running runtime and waits for them to end.
Each --say is one caller turn, in order; the caller hangs up after the last one is answered.
  --script FILE      the caller's turns and pacing from a JSON file instead of --say:
                     {"turns": ["hi", {"say": "a table for two"}], "think_ms": 300, "reply_timeout_ms": 5000}
  --count N          calls to place (default 1)
  --concurrency C    calls at once (default: all of them)
  --metadata JSON    extra dispatch metadata (a JSON object); --tenant wins over its "tenant"
  --json             print {started, succeeded, failed, cancelled, rejected, sessions}

Voice calls (agents-js agents; needs espeak-ng):
  --voice            speak each turn as audio instead of text
  --voice-name V     the caller's espeak-ng voice (default en-us; see espeak-ng --voices)
  --voice-rate WPM   the caller's words per minute, 80 to 450 (default 170)
  --barge-in         talk over the agent instead of waiting for it to finish (tests interruptions)
  What is real: the audio (espeak-ng speech, synthesised once per distinct line, streamed in real
  time as 20 ms frames of 16 kHz audio into the agent session's AudioInput, silence between
  turns), the agent's VAD (Silero, through the agents-js plugin), end-of-turn detection,
  interruptions, and the agent's TTS audio, played back at 1x as a phone would.
  What is scripted: speech-to-text (openrtc's scriptedSTT() returns what the caller said in the
  turn the VAD closed) and, for agents without a key, the LLM. espeakTTS() gives agents without
  a TTS key offline speech; agents with real provider plugins and keys use theirs.
Exit code: 0 all calls succeeded, 1 any failed or was rejected, 2 bad usage or no runtime.`;

function parseMetadata(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw usageError(`--metadata is not JSON: ${messageOf(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw usageError('--metadata must be a JSON object');
  return value as Record<string, unknown>;
}

/** A scenario file as startCalls params; a bad file is a usage error naming the file, key and why. */
async function scriptParams(file: string): Promise<Pick<StartCallsParams, 'say' | 'think_ms' | 'reply_timeout_ms'>> {
  try {
    const s = await loadScenarioFile(file);
    return {
      say: s.turns,
      ...(s.thinkMs !== undefined ? { think_ms: s.thinkMs } : {}),
      ...(s.replyTimeoutMs !== undefined ? { reply_timeout_ms: s.replyTimeoutMs } : {}),
    };
  } catch (error) {
    if (error instanceof ScenarioError) throw usageError(`--script ${error.message}`);
    throw error;
  }
}

/** The voice flags as startCalls params; voice settings without --voice are a usage error. */
function voiceParams(values: {
  voice?: boolean;
  'voice-name'?: string;
  'voice-rate'?: string;
  'barge-in'?: boolean;
}): Pick<StartCallsParams, 'voice' | 'voice_name' | 'voice_rate' | 'barge_in'> {
  const rate = intArg('--voice-rate', values['voice-rate'], 80, 450);
  const name = values['voice-name'];
  if (!values.voice) {
    const stray =
      name !== undefined
        ? '--voice-name'
        : rate !== undefined
          ? '--voice-rate'
          : values['barge-in']
            ? '--barge-in'
            : null;
    if (stray) throw usageError(`${stray} is for voice calls; add --voice`);
    return {};
  }
  return {
    voice: true,
    ...(name !== undefined ? { voice_name: name } : {}),
    ...(rate !== undefined ? { voice_rate: rate } : {}),
    ...(values['barge-in'] ? { barge_in: true } : {}),
  };
}

export const callCommand: Command = {
  name: 'call',
  summary: 'place local test calls on a running runtime and wait for them',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      tenant: { type: 'string' },
      say: { type: 'string', multiple: true },
      script: { type: 'string' },
      count: { type: 'string' },
      concurrency: { type: 'string' },
      metadata: { type: 'string' },
      socket: { type: 'string' },
      json: { type: 'boolean' },
      voice: { type: 'boolean' },
      'voice-name': { type: 'string' },
      'voice-rate': { type: 'string' },
      'barge-in': { type: 'boolean' },
    });
    if (values.help) {
      io.out(USAGE);
      return EXIT_OK;
    }
    const [agent, ...extra] = positionals;
    if (!agent) throw usageError('call needs an AGENT name');
    if (extra.length) throw usageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    if (values.tenant === undefined) throw usageError('call needs --tenant T');
    const problem = tenantIdProblem(values.tenant);
    if (problem) throw usageError(`--tenant: ${problem}`);
    const params: StartCallsParams = { agent, tenant: values.tenant, wait: true };
    const count = intArg('--count', values.count, 1, 100_000);
    const concurrency = intArg('--concurrency', values.concurrency, 1, 10_000);
    const metadata = parseMetadata(values.metadata);
    if (count !== undefined) params.count = count;
    if (concurrency !== undefined) params.concurrency = concurrency;
    if (metadata !== undefined) params.metadata = metadata;
    if (values.say && values.script !== undefined) throw usageError('--say and --script both give the turns; use one');
    if (values.say) params.say = values.say;
    if (values.script !== undefined) Object.assign(params, await scriptParams(values.script));
    Object.assign(params, voiceParams(values));

    const result = await withClient(resolveSocket(values.socket, io), (client) => client.request('startCalls', params));
    io.out(values.json ? JSON.stringify(result) : summarizeCalls(result));
    const rejected = Object.values(result.rejected).some((n) => (n ?? 0) > 0);
    return result.failed > 0 || rejected ? EXIT_FAILED : EXIT_OK;
  },
};
