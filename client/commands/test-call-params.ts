// The startCalls request the "Start test calls" command sends, from what the user answered:
// the turns typed with "|" between them, how many calls (at most 10 at once), and text or voice.
// A voice call speaks each turn as espeak-ng audio into an agents-js agent's AgentSession.
import type { StartCallsParams } from '../../protocol/control';

export type CallMode = 'text' | 'voice';

export const CALL_MODE_ITEMS: readonly { label: string; description: string; mode: CallMode }[] = [
  { label: 'Text call', description: 'each turn is text input to the agent', mode: 'text' },
  {
    label: 'Voice call',
    description: 'agents-js agents: espeak-ng speech in real time, real Silero VAD and turn-taking (STT scripted)',
    mode: 'voice',
  },
];

export interface TestCallAnswers {
  agent: string;
  tenant: string;
  turns: string;
  count: number;
  mode: CallMode;
}

export function testCallParams(a: TestCallAnswers): StartCallsParams {
  const say = a.turns
    .split('|')
    .map((t) => t.trim())
    .filter(Boolean);
  return {
    agent: a.agent.trim(),
    tenant: a.tenant,
    say,
    count: a.count,
    concurrency: Math.min(10, a.count),
    ...(a.mode === 'voice' ? { voice: true } : {}),
  };
}
