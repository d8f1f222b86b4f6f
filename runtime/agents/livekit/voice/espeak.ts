// Speech from espeak-ng, Debian's offline text-to-speech engine: one child process per distinct
// text (the speech cache calls this once per voice, rate and text), WAV on stdout, the text on
// stdin (never on the command line, so it needs no quoting and shows in no process list).
// A machine without it gets an error that names the package to install.
import { spawn } from 'node:child_process';
import { messageOf } from '../../../../protocol/errors';
import { parseWav, type Pcm16 } from './wav';

export const ESPEAK_COMMAND = 'espeak-ng';
export const ESPEAK_PACKAGE = 'espeak-ng';

/** Which espeak-ng voice speaks, and how fast (words per minute). */
export interface SpeechVoice {
  voice: string;
  rate: number;
}

export const DEFAULT_AGENT_VOICE: SpeechVoice = { voice: 'en-gb', rate: 175 };
export const RATE_RANGE = { min: 80, max: 450 } as const;
const VOICE_NAME = /^[A-Za-z0-9][A-Za-z0-9+_-]{0,39}$/;

/** Why a voice setting is not usable, or null; names the setting so a caller can say where. */
export function speechVoiceProblem(v: SpeechVoice): string | null {
  if (!VOICE_NAME.test(v.voice))
    return `voice ${JSON.stringify(v.voice)} is not an espeak-ng voice name (e.g. en-us, en-gb, de; see espeak-ng --voices)`;
  if (!Number.isInteger(v.rate) || v.rate < RATE_RANGE.min || v.rate > RATE_RANGE.max)
    return `rate ${v.rate} must be a whole number of words per minute from ${RATE_RANGE.min} to ${RATE_RANGE.max}`;
  return null;
}

export class EspeakMissingError extends Error {
  constructor(detail: string) {
    super(
      `voice calls need espeak-ng to speak, and \`${ESPEAK_COMMAND}\` could not be run (${detail}); ` +
        `install the ${ESPEAK_PACKAGE} package (Debian/Ubuntu: sudo apt-get install ${ESPEAK_PACKAGE})`,
    );
    this.name = 'EspeakMissingError';
  }
}

export class EspeakError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EspeakError';
  }
}

export interface EspeakOptions {
  command?: string;
  /** The environment the child runs with (its PATH decides which espeak-ng runs). */
  env?: NodeJS.ProcessEnv;
}

export class Espeak {
  private readonly command: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(opts: EspeakOptions = {}) {
    this.command = opts.command ?? ESPEAK_COMMAND;
    this.env = opts.env ?? process.env;
  }

  /** Fails with EspeakMissingError when espeak-ng cannot be run. */
  async check(): Promise<void> {
    await this.run(['--version'], '');
  }

  async synthesize(text: string, v: SpeechVoice): Promise<Pcm16> {
    const problem = speechVoiceProblem(v);
    if (problem) throw new EspeakError(`espeak-ng: ${problem}`);
    const wav = await this.run(['-v', v.voice, '-s', String(v.rate), '--stdin', '--stdout'], text);
    try {
      return parseWav(wav);
    } catch (error) {
      throw new EspeakError(`espeak-ng -v ${v.voice} wrote ${messageOf(error)}`);
    }
  }

  private run(args: string[], stdin: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.command, args, { env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      child.on('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'ENOENT' || error.code === 'EACCES' ? new EspeakMissingError(error.code) : error),
      );
      child.on('close', (code, signal) => {
        if (code === 0) resolve(Buffer.concat(out));
        else
          reject(
            new EspeakError(`espeak-ng ${args.join(' ')} exited with ${code ?? signal}: ${err.trim().slice(0, 300)}`),
          );
      });
      // A child that died at once closes stdin under us; its exit is the error reported.
      child.stdin.on('error', () => undefined);
      child.stdin.end(stdin);
    });
  }
}
