// An LLM that needs no provider key: it answers from a small script, through agents-js's own LLM
// interface (llm.LLM / llm.LLMStream), so the agent around it is a real voice.Agent in a real
// AgentSession. A rule may call one of the agent's tools; the tool's output becomes the reply.
import { llm } from '@livekit/agents';

export interface ScriptRule {
  /** Matched against the caller's last turn, case-insensitively. */
  when: RegExp;
  /** The reply, or the tool to call with arguments taken from the turn. */
  reply?: (turn: string) => string;
  tool?: { name: string; args: (turn: string) => Record<string, unknown> };
}

export class ScriptedLLM extends llm.LLM {
  constructor(private readonly rules: ScriptRule[]) {
    super();
  }

  label(): string {
    return 'openrtc-scripted-llm';
  }

  chat({ chatCtx, toolCtx }: { chatCtx: llm.ChatContext; toolCtx?: llm.ToolContext }): llm.LLMStream {
    return new ScriptedStream(this, this.rules, { chatCtx, toolCtx, connOptions: DEFAULT_CONN });
  }
}

const DEFAULT_CONN = { maxRetry: 0, retryIntervalMs: 0, timeoutMs: 10_000 };

class ScriptedStream extends llm.LLMStream {
  constructor(
    owner: llm.LLM,
    private readonly rules: ScriptRule[],
    params: { chatCtx: llm.ChatContext; toolCtx?: llm.ToolContext; connOptions: typeof DEFAULT_CONN },
  ) {
    super(owner, params);
  }

  protected async run(): Promise<void> {
    const last = this.chatCtx.items.at(-1);
    if (!last) return;
    // After a tool ran, its output is what the caller hears.
    if (last.type === 'function_call_output') {
      this.put(toolText(last.output));
      return;
    }
    if (last.type !== 'message' || last.role !== 'user') return;
    const turn = last.textContent ?? '';
    const rule = this.rules.find((r) => r.when.test(turn));
    if (rule?.tool) {
      const call = llm.FunctionCall.create({
        callId: `call_${Date.now().toString(36)}`,
        name: rule.tool.name,
        args: JSON.stringify(rule.tool.args(turn)),
      });
      this.queue.put({ id: 'scripted', delta: { role: 'assistant', toolCalls: [call] } });
      return;
    }
    this.put(rule?.reply ? rule.reply(turn) : `You said: ${turn}`);
  }

  private put(content: string): void {
    this.queue.put({ id: 'scripted', delta: { role: 'assistant', content } });
  }
}

/** agents-js hands a tool's result back JSON-encoded; a string result is spoken as is. */
function toolText(output: string): string {
  try {
    const value: unknown = JSON.parse(output);
    return typeof value === 'string' ? value : output;
  } catch {
    return output;
  }
}
