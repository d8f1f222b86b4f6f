// What the test command needs from the system, and what to do when some of it is missing.
// Pure: the probe (is this command on PATH?), the user and apt's presence are passed in, so the
// policy is tested without touching the machine (test/tooling/setup.test.ts).

/**
 * One row per Debian package: the command that shows it is installed, and the stage that needs it.
 * `e2e` rows are needed only when the end-to-end stage runs (or code-server is still to be installed).
 */
export const SYSTEM_PACKAGES = [
  { pkg: 'chromium', command: 'chromium', stage: 'e2e', why: 'the UI test drives Debian Chromium' },
  { pkg: 'ripgrep', command: 'rg', stage: 'e2e', why: "seeds @vscode/ripgrep's cache when code-server installs" },
  {
    pkg: 'libkrb5-dev',
    command: 'krb5-config',
    stage: 'e2e',
    why: "code-server's kerberos module compiles against it",
  },
  { pkg: 'tmux', command: 'tmux', stage: 'unit', why: 'terminal tests' },
  { pkg: 'redis-server', command: 'redis-server', stage: 'unit', why: 'fleet tests' },
  { pkg: 'espeak-ng', command: 'espeak-ng', stage: 'unit', why: 'voice caller tests' },
];

/** The exact command a user runs to install `pkgs` (the line we print when we may not). */
export function aptCommand(pkgs) {
  return `sudo apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
}

/**
 * Decides the system-package step.
 * @param {{ stages: string[], has: (command: string) => boolean, isRoot: boolean, hasApt: boolean }} facts
 * @returns {{ action: 'ok' } | { action: 'install', pkgs: string[] } | { action: 'stop', pkgs: string[], line: string }}
 */
export function planSystemPackages({ stages, has, isRoot, hasApt }) {
  const pkgs = SYSTEM_PACKAGES.filter((p) => stages.includes(p.stage) && !has(p.command)).map((p) => p.pkg);
  if (pkgs.length === 0) return { action: 'ok' };
  if (isRoot && hasApt) return { action: 'install', pkgs };
  const why = isRoot ? 'apt-get is not on PATH' : 'not root';
  return {
    action: 'stop',
    pkgs,
    line: `npm test needs system packages it cannot install (${why}): ${pkgs.join(', ')}; run: ${aptCommand(pkgs)}`,
  };
}

/** Exit code when the set-up stops for missing system packages: distinct from a failing test (1). */
export const EXIT_MISSING_PACKAGES = 3;
