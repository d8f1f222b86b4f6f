// A local caller: speaks scripted turns (with optional think-time), waits for the agent's reply
// to each, then hangs up. It stands in for a LiveKit participant.
import type { FinalStatus, Session } from '../session/session';
import type { CallerVoice } from './caller-voice';

export interface CallScript {
  turns: string[];
  thinkMs: number;
  /** How long to wait for the agent's reply to a turn before speaking the next one. */
  replyTimeoutMs: number;
  /** After hang-up, how long an agent that ignores its signal may keep running. */
  hangUpGraceMs: number;
  /** A voice call: how the caller speaks its turns (absent for a text call). */
  voice?: CallerVoice;
}

export const DEFAULT_CALL_SCRIPT: CallScript = { turns: [], thinkMs: 0, replyTimeoutMs: 10_000, hangUpGraceMs: 5_000 };

export async function driveCall(session: Session, script: CallScript): Promise<FinalStatus> {
  const ended = session.ended.then(() => null);
  const think = (): Promise<unknown> => thinkUnlessEnded(script.thinkMs, session);
  for (const turn of script.turns) {
    // A caller's words arrive through I/O, so each turn starts in a loop turn of its own: never in
    // the one that admitted the call (an agent whose first turn blocks must not hold back the
    // answer to startCalls with wait: false), nor in the one that carried the agent's last reply
    // (two turns' work would add up to one longer block of the loop than the agent ever caused).
    await new Promise((resolve) => setImmediate(resolve));
    if (script.thinkMs > 0) await think();
    if (session.finished) return session.ended;
    session.channel.pushTurn(turn);
    await Promise.race([session.channel.nextReply(script.replyTimeoutMs), ended]);
    if (session.finished) return session.ended;
  }
  if (script.thinkMs > 0) await think();
  session.hangUp(script.hangUpGraceMs);
  return session.ended;
}

/**
 * The caller's pause. Its timer is referenced on purpose (a call in progress is work that keeps the
 * process alive) and cleared as soon as the session ends, so it never outlives the call.
 */
function thinkUnlessEnded(ms: number, session: Session): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void session.ended.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
