// The agreement between the `openrtc` CLI (runtime/cli/cmd-check.ts) and the check bundle
// (dist/check.js, built from server/check/main.ts). The CLI may not import server/, so it loads
// the bundle beside itself at run time and calls this.

export interface CheckIo {
  /** A line (or lines) to stdout; a newline is added. */
  out: (text: string) => void;
  /** Bytes to stdout as they are: a long report encoded once, in pieces. */
  outBytes: (bytes: Uint8Array) => void;
  err: (text: string) => void;
  cwd: string;
}

export interface CheckEntry {
  /** Runs `openrtc check` with the arguments after `check`; resolves to the exit code (0, 1 or 2). */
  runCheck(argv: readonly string[], io: CheckIo): Promise<number>;
}

/** The bundle's file name, beside dist/cli.js. */
export const CHECK_BUNDLE = 'check.js';
