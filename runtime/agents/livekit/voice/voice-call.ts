// One local voice call, on the agent's side of the line: the caller's turns (the same text
// turns a text call has) are spoken as espeak-ng audio into the session's AudioInput in real
// time, with silence between them; the agent's audio output is played at 1×; each assistant
// message the AgentSession adds comes back to the caller as the turn's reply; and each speech
// frame is marked with its turn, so the scripted STT reading the frames knows what was said and
// where it ended.
//
// A polite caller speaks only after the agent has been quiet for QUIET_MS (not speaking or
// thinking, nothing playing), as a person waits for the greeting to end; a barge-in caller
// speaks as soon as its turn comes, over the agent, and the AgentSession's interruption is
// logged for the session.
import type { llm, voice } from '@livekit/agents';
import type { CallerVoice } from '../../../caller/caller-voice';
import type { DialogueEnds } from '../../../livekit/job/text-bridge';
import type { ScopedLogger } from '../../../log-writer/log';
import type { Clock } from '../../../policy/clock';
import type { LoadedAgentsPackage } from '../agents-module';
import { messageOf } from '../../../../protocol/errors';
import type { SessionIo, VoiceCallLink } from './call-registry';
import {
  callerMicrophone,
  callerSpeaker,
  type CallerMicrophone,
  type CallerSpeaker,
  type PlayoutListener,
} from './caller-audio';
import { FramePacer, type SpeechFrame, type Utterance } from './frame-pacer';
import type { SpeechCache } from './speech-cache';
import type { SpeechMark } from './turn-transcripts';

export const QUIET_MS = 600;
const QUIET_POLL_MS = 50;

export interface VoiceDialogue extends DialogueEnds {
  announce(text: string): void;
}

export interface VoiceCallInit {
  pkg: LoadedAgentsPackage;
  caller: CallerVoice;
  cache: SpeechCache;
  clock: Clock;
  log: ScopedLogger;
  /** The call's turns and replies; `announce` for what the agent says that answers no turn. */
  dialogue: VoiceDialogue;
  /** What the caller heard (tests and benchmarks). */
  listener?: PlayoutListener;
}

/** A caller turn on the microphone: its words with their audio. */
interface SpokenTurn extends Utterance {
  text: string;
}

export class LocalVoiceCall implements VoiceCallLink {
  private readonly mic: CallerMicrophone;
  private readonly speaker: CallerSpeaker;
  private readonly pacer: FramePacer<SpokenTurn>;
  /** The turn each speech frame on the microphone belongs to (the frames are the keys, so they go with them). */
  private readonly marks = new WeakMap<object, SpeechMark>();
  private session: SessionIo | null = null;
  private bridged = false;
  private closed = false;

  constructor(private readonly init: VoiceCallInit) {
    this.mic = callerMicrophone(init.pkg.agents, init.pkg.rtc);
    this.speaker = callerSpeaker(init.pkg.agents, init.clock, {
      onFrame: (frame) => init.listener?.onFrame?.(frame),
      onSegment: (seg) => {
        init.log.info(
          `voice: played ${Math.round(seg.playedMs)} ms of the agent's ${Math.round(seg.audioMs)} ms of audio in ${Math.round(seg.wallMs)} ms${seg.interrupted ? ' (interrupted)' : ''}`,
        );
        init.listener?.onSegment?.(seg);
      },
    });
    this.pacer = new FramePacer(init.clock, (samples, speech) => this.send(samples, speech));
  }

  attachIo(session: SessionIo): boolean {
    if (this.session || this.closed) return false;
    this.session = session;
    session.input.audio = this.mic.input;
    session.output.audio = this.speaker.output;
    this.pacer.start();
    return true;
  }

  speechMark(frame: object): SpeechMark | undefined {
    return this.marks.get(frame);
  }

  private send(samples: Int16Array, speech: SpeechFrame<SpokenTurn> | null): void {
    const frame = this.mic.push(samples);
    if (frame && speech)
      this.marks.set(frame, { turn: speech.utterance, text: speech.utterance.text, last: speech.last });
  }

  /** Called once the agent has started its primary AgentSession (in the job's context). */
  bridge(session: voice.AgentSession): void {
    if (this.bridged || session !== this.session) return;
    this.bridged = true;
    const events = this.init.pkg.agents.voice.AgentSessionEventTypes;
    // A reply answers the caller's turns committed since the last one; what the agent says with
    // none pending (its greeting, even one cut short by the caller) answers nothing.
    let unanswered = 0;
    const forward = (item: llm.ChatItem): void => {
      if (item.type !== 'message') return;
      if (item.role === 'user') unanswered++;
      if (item.role !== 'assistant') return;
      if (item.interrupted)
        this.init.log.info(
          `voice: the caller interrupted the agent's speech: ${JSON.stringify(item.textContent ?? '')}`,
        );
      const text = item.textContent;
      if (!text) return;
      if (unanswered > 0) this.init.dialogue.reply(text);
      else this.init.dialogue.announce(text);
      unanswered = 0;
    };
    for (const item of session.history.items) forward(item);
    session.on(events.ConversationItemAdded, (ev: voice.ConversationItemAddedEvent) => forward(ev.item));
    void this.speakTurns(session);
  }

  get stats(): { framesSent: number; speechFrames: number; droppedFrames: number; playedMs: number } {
    const p = this.pacer.stats;
    return {
      framesSent: p.frames,
      speechFrames: p.speechFrames,
      droppedFrames: p.droppedFrames + this.mic.dropped,
      playedMs: this.speaker.playedMs,
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pacer.stop();
    const s = this.stats;
    this.init.log.info(
      `voice: call ended: sent ${s.framesSent} frames of 20 ms (${s.speechFrames} of speech), dropped ${s.droppedFrames}; played ${Math.round(s.playedMs)} ms of agent audio`,
    );
  }

  private async speakTurns(session: voice.AgentSession): Promise<void> {
    for await (const turn of this.init.dialogue.turns()) {
      if (this.closed) return;
      let samples: Int16Array;
      try {
        samples = await this.init.cache.speech(turn, this.init.caller);
      } catch (error) {
        this.init.log.error(`voice: the caller cannot speak: ${messageOf(error)}`);
        return;
      }
      if (!this.init.caller.bargeIn) await this.quiet(session);
      if (this.closed) return;
      await new Promise<void>((resolve) => this.pacer.speak({ text: turn, samples, onEnd: resolve }));
    }
  }

  /** Resolves once the agent has been quiet for QUIET_MS (or the call ended). */
  private quiet(session: voice.AgentSession): Promise<void> {
    const { clock } = this.init;
    let quietSince = clock.now();
    return new Promise((resolve) => {
      const poll = (): void => {
        if (this.closed) return resolve();
        const busy = this.speaker.playing || !(session.agentState === 'listening' || session.agentState === 'idle');
        if (busy) quietSince = clock.now();
        if (clock.now() - quietSince >= QUIET_MS) return resolve();
        clock.setTimer(QUIET_POLL_MS, poll);
      };
      poll();
    });
  }
}
