// Where each caller turn's transcript becomes final, told by the audio itself: the local voice
// call marks every speech frame it puts on its microphone with the turn it belongs to, and the
// scripted STT, reading the frames agents-js hands it, makes a turn's text final when that
// turn's last frame reaches it (or, if that frame was replaced, e.g. by agents-js silencing
// input while the agent cannot be interrupted, at the first frame after the turn). The marks
// live with the call, so a frame from another call carries none: no transcript can cross.

/** What a speech frame of the caller's microphone carries: its turn, and whether it ends it. */
export interface SpeechMark {
  /** One per spoken turn (two turns with the same words are two turns). */
  readonly turn: object;
  readonly text: string;
  readonly last: boolean;
}

/** One STT stream's view of the turns: fed every frame's mark, in order. */
export class TurnTranscriber {
  private hearing: SpeechMark | null = null;

  /** The texts of the turns that ended at this frame (`undefined`: silence, or not the caller's speech). */
  next(mark: SpeechMark | undefined): string[] {
    const done: string[] = [];
    if (this.hearing && this.hearing.turn !== mark?.turn) done.push(...this.end());
    if (mark?.last) {
      this.hearing = null;
      done.push(mark.text);
    } else if (mark) {
      this.hearing = mark;
    }
    return done;
  }

  /** The input ended or was flushed: the turn being heard is final as far as it went. */
  end(): string[] {
    const heard = this.hearing;
    this.hearing = null;
    return heard ? [heard.text] : [];
  }
}
