// A local call's dialogue through a real AgentSession in text mode: each caller turn is user
// input to the session (generateReply), each assistant message the session adds to its history
// comes back to the caller (and so into the log). Replies produced before the bridge found the
// session (a greeting said right after start) are taken from its history first.
import type { llm, voice } from '@livekit/agents';
import type { AgentsModule } from '../../agents/livekit/agents-module';

export interface DialogueEnds {
  /** The caller's turns; ends at hang-up. */
  turns(): AsyncIterable<string>;
  reply(text: string): void;
}

export function bridgeText(agents: AgentsModule, session: voice.AgentSession, call: DialogueEnds): void {
  const sent = new Set<string>();
  const forward = (item: llm.ChatItem): void => {
    if (item.type !== 'message' || item.role !== 'assistant' || sent.has(item.id)) return;
    sent.add(item.id);
    const text = item.textContent;
    if (text) call.reply(text);
  };
  for (const item of session.history.items) forward(item);
  session.on(agents.voice.AgentSessionEventTypes.ConversationItemAdded, (ev: voice.ConversationItemAddedEvent) =>
    forward(ev.item),
  );
  void (async () => {
    for await (const turn of call.turns()) {
      try {
        // A text caller waits for answers: a turn queues behind the reply in progress, never cuts it off.
        session.generateReply({ userInput: turn, allowInterruptions: false });
      } catch {
        return; // the session is closing: the job is ending, later turns have no one to go to
      }
    }
  })();
}
