// One .gitignore file's rules, in git's order: the last rule that matches a path decides, and
// `!pattern` re-includes. Git never looks inside an ignored folder, so neither does the walk
// (collect-files.ts), and a `!` rule cannot bring back a file under one. Pure: text in.
import { compileGlob, type CompiledGlob } from './glob';

interface IgnoreRule {
  glob: CompiledGlob;
  negated: boolean;
}

export class IgnoreRules {
  private constructor(private readonly rules: readonly IgnoreRule[]) {}

  static parse(text: string): IgnoreRules {
    const rules: IgnoreRule[] = [];
    for (const raw of text.split(/\r?\n/)) {
      // Trailing spaces are dropped unless escaped; '#' starts a comment only at the line start.
      const line = raw.replace(/(?<!\\)\s+$/, '');
      if (line === '' || line.startsWith('#')) continue;
      const negated = line.startsWith('!');
      const pattern = (negated ? line.slice(1) : line).replace(/^\\([#!])/, '$1');
      if (pattern === '' || pattern === '/') continue;
      rules.push({ glob: compileGlob(pattern), negated });
    }
    return new IgnoreRules(rules);
  }

  /** true: ignored, false: re-included, undefined: no rule here says. `relPath` is relative to this file's folder. */
  decide(relPath: string, isDirectory: boolean): boolean | undefined {
    let verdict: boolean | undefined;
    for (const rule of this.rules) {
      if (rule.glob.directoryOnly && !isDirectory) continue;
      if (rule.glob.regex.test(relPath)) verdict = !rule.negated;
    }
    return verdict;
  }
}
