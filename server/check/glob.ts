// Glob patterns as gitignore and `--exclude` write them, compiled to regular expressions over
// '/'-separated paths relative to a base folder. Pure: no file system.
//   `*` any characters but '/', `?` one such character, `[abc]` a class, `**` any folders.
// A pattern without a '/' (other than a trailing one) matches a name at any depth; one with a
// '/' is anchored at the base. A pattern also matches everything under a folder it matches.

export interface CompiledGlob {
  regex: RegExp;
  /** Ends in '/': matches folders only. */
  directoryOnly: boolean;
}

const special = /[.+^${}()|\\]/g;

function translate(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '*') {
      if (body[i + 1] === '*') {
        // `**/` any folders (none included), a trailing `**` anything below.
        const slash = body[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = body.indexOf(']', i + 2);
      if (close === -1) out += '\\[';
      else {
        const inner = body
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${inner}]`;
        i = close;
      }
    } else if (c === '\\' && i + 1 < body.length) out += (body[++i] as string).replace(special, '\\$&');
    else out += c.replace(special, '\\$&');
  }
  return out;
}

export function compileGlob(pattern: string): CompiledGlob {
  let body = pattern;
  const directoryOnly = body.endsWith('/');
  if (directoryOnly) body = body.replace(/\/+$/, '');
  const anchored = body.includes('/');
  body = body.replace(/^\//, '').replace(/^\.\//, '');
  const prefix = anchored || body.startsWith('**') ? '^' : '^(?:.*/)?';
  return { regex: new RegExp(`${prefix}${translate(body)}$`), directoryOnly };
}

/** Whether `relPath` (no leading '/') or one of the folders above it matches. */
export function matchesGlob(glob: CompiledGlob, relPath: string, isDirectory: boolean): boolean {
  const parts = relPath.split('/');
  for (let n = parts.length; n >= 1; n--) {
    const candidate = parts.slice(0, n).join('/');
    const candidateIsDirectory = n < parts.length || isDirectory;
    if (glob.directoryOnly && !candidateIsDirectory) continue;
    if (glob.regex.test(candidate)) return true;
  }
  return false;
}
