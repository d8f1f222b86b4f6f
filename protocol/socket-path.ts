// Where a workspace's runtime listens, whoever starts it (`openrtc run` or the extension):
// `$XDG_RUNTIME_DIR/openrtc-<uid>/ws-<hash of the workspace's real path>.sock`, else under the
// temp dir. One function for both sides, so a CLI command typed in the workspace folder finds the
// runtime the editor started and the other way round (they once hashed different strings).
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

function uid(): number {
  return process.getuid?.() ?? 0;
}

/** The per-user directory every runtime socket lives in. */
export function defaultSocketDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_RUNTIME_DIR && env.XDG_RUNTIME_DIR.length > 0 ? env.XDG_RUNTIME_DIR : tmpdir();
  return join(base, `openrtc-${uid()}`);
}

/** A short stable name for a workspace: the real path, so a symlinked checkout shares its socket. */
export function socketNameForWorkspace(workspaceDir: string): string {
  let real: string;
  try {
    real = realpathSync(workspaceDir);
  } catch {
    real = resolve(workspaceDir);
  }
  return `ws-${createHash('sha256').update(real).digest('hex').slice(0, 12)}.sock`;
}

export function defaultSocketPath(workspaceDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultSocketDir(env), socketNameForWorkspace(workspaceDir));
}
