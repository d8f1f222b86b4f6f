// The terminal side of `openrtc top`: alternate screen, raw keys, flicker-free redraw (cursor
// home, each line cleared to its end, the rest cleared below) and a restore that always runs.
import { emitKeypressEvents } from 'node:readline';

const ALT_SCREEN_ON = '\x1b[?1049h';
const ALT_SCREEN_OFF = '\x1b[?1049l';
const CURSOR_HIDE = '\x1b[?25l';
const CURSOR_SHOW = '\x1b[?25h';
const HOME = '\x1b[H';
const CLEAR_EOL = '\x1b[K';
const CLEAR_BELOW = '\x1b[J';

export interface Key {
  name: string | undefined;
  ctrl: boolean;
  sequence: string | undefined;
}

export class Screen {
  private active = false;
  private readonly restoreOnExit = (): void => this.restore();
  private readonly onKeypress = (_: string | undefined, key: Partial<Key> | undefined): void =>
    this.keyListener({ name: key?.name?.toLowerCase(), ctrl: key?.ctrl === true, sequence: key?.sequence });

  constructor(
    private readonly stdout: NodeJS.WriteStream,
    private readonly stdin: NodeJS.ReadStream,
    private readonly keyListener: (key: Key) => void,
  ) {}

  get width(): number {
    return this.stdout.columns || 120;
  }

  get height(): number {
    return this.stdout.rows || 40;
  }

  enter(): void {
    this.active = true;
    process.once('exit', this.restoreOnExit);
    if (this.stdin.isTTY) this.stdin.setRawMode(true);
    emitKeypressEvents(this.stdin);
    this.stdin.on('keypress', this.onKeypress);
    this.stdin.resume();
    this.stdout.write(ALT_SCREEN_ON + CURSOR_HIDE);
  }

  /** One write per frame, so the terminal never shows a half-drawn table. */
  draw(lines: readonly string[]): void {
    if (!this.active) return;
    const visible = lines.slice(0, this.height);
    this.stdout.write(HOME + visible.map((l) => l + CLEAR_EOL).join('\r\n') + CLEAR_BELOW);
  }

  restore(): void {
    if (!this.active) return;
    this.active = false;
    process.off('exit', this.restoreOnExit);
    this.stdin.off('keypress', this.onKeypress);
    if (this.stdin.isTTY) this.stdin.setRawMode(false);
    this.stdin.pause();
    this.stdout.write(CURSOR_SHOW + ALT_SCREEN_OFF);
  }
}
