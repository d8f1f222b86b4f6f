// The local call's two directions: caller turns flow to the agent through `ctx.userTurns()`,
// agent replies flow back through `ctx.say()`. No LiveKit room here; this is the seam a room
// transport would replace. A voice call's channel carries how its caller speaks; its turns are
// the same text, spoken as audio on the agent's side of the seam (agents/livekit/voice).
import type { CallerVoice } from './caller-voice';

/** Sees each line of the dialogue as it happens (the runtime logs them, scoped to the session). */
export type DialogueListener = (speaker: 'caller' | 'agent', text: string) => void;

export class CallChannel {
  constructor(
    private readonly onDialogue: DialogueListener = () => undefined,
    readonly voice: CallerVoice | null = null,
  ) {}

  private readonly turns: string[] = [];
  private turnWaiter: (() => void) | null = null;
  private closed = false;
  readonly replies: string[] = [];
  private replyWaiters: ((text: string | null) => void)[] = [];

  pushTurn(text: string): void {
    if (this.closed) return;
    this.onDialogue('caller', text);
    this.turns.push(text);
    this.wakeTurns();
  }

  /** Hang-up or session end: the agent's turn iterator finishes, reply waiters get null. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wakeTurns();
    for (const w of this.replyWaiters.splice(0)) w(null);
  }

  reply(text: string): void {
    this.onDialogue('agent', text);
    this.replies.push(text);
    for (const w of this.replyWaiters.splice(0)) w(text);
  }

  /**
   * The agent spoke unprompted (a voice agent's greeting, said or cut short before the caller's
   * first turn): logged and kept like a reply, but it answers no turn, so the caller still waits
   * for the answer to what it said. A text call has no such line: its greeting answers turn one.
   */
  announce(text: string): void {
    this.onDialogue('agent', text);
    this.replies.push(text);
  }

  /** The agent's next reply, or null on close or after `timeoutMs`. */
  nextReply(timeoutMs: number): Promise<string | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.replyWaiters = this.replyWaiters.filter((w) => w !== done);
        resolve(null);
      }, timeoutMs);
      const done = (text: string | null): void => {
        clearTimeout(timer);
        resolve(text);
      };
      this.replyWaiters.push(done);
    });
  }

  async *userTurns(): AsyncGenerator<string> {
    for (;;) {
      const next = this.turns.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.turnWaiter = resolve));
    }
  }

  private wakeTurns(): void {
    const w = this.turnWaiter;
    this.turnWaiter = null;
    w?.();
  }
}
