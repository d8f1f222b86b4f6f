// setup.cfg as Python's configparser reads it (setuptools uses configparser, not an INI
// library): `[section]`, `key = value` or `key: value`, `#`/`;` comment lines, and a value
// continued on the indented lines after it (`package_dir =\n    =src`). An npm INI parser
// (`ini`) does not read continuation lines, so this small reader is what we use.

export type CfgSections = Record<string, Record<string, string>>;

export class CfgError extends Error {}

export function parseSetupCfg(text: string): CfgSections {
  const sections: CfgSections = {};
  let section: Record<string, string> | null = null;
  let lastKey: string | null = null;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, n) => {
    if (/^\s*([#;].*)?$/.test(line)) return;
    if (/^\s/.test(line) && section !== null && lastKey !== null) {
      section[lastKey] = `${section[lastKey] ?? ''}\n${line.trim()}`;
      return;
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(line);
    if (header !== null) {
      const name = (header[1] as string).trim();
      section = sections[name] ?? (sections[name] = {});
      lastKey = null;
      return;
    }
    const entry = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (entry === null || section === null)
      throw new CfgError(
        `line ${n + 1}: ${section === null ? 'an entry before any [section]' : 'expected key = value'}`,
      );
    lastKey = (entry[1] as string).trim().toLowerCase();
    section[lastKey] = (entry[2] as string).trim();
  });
  return sections;
}

/** `package_dir` style values: `=src` / `pkg = lib/pkg` lines → {'' : 'src', pkg: 'lib/pkg'}. */
export function cfgMapping(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of value.split('\n')) {
    const m = /^\s*([^=]*?)\s*=\s*(.+?)\s*$/.exec(line);
    if (m !== null) out[m[1] as string] = m[2] as string;
  }
  return out;
}

/** List values: one per line or comma-separated. */
export function cfgList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
