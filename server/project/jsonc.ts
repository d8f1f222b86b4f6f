// tsconfig.json and jsconfig.json are JSON with comments and trailing commas (as TypeScript
// reads them). The check bundle carries no compiler, so this turns such text into plain JSON:
// comments become spaces (positions in JSON.parse's errors stay right) and a comma before a
// closing bracket goes; strings are left exactly as written.

/** Parses JSON with comments; throws SyntaxError (JSON.parse's) on anything else. */
export function parseJsonc(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === ',') {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j] as string)) j++;
      // A trailing comma only if what follows (past comments) closes: look past them too.
      const rest = text.slice(j).replace(/^(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/, '');
      out += rest.startsWith('}') || rest.startsWith(']') ? ' ' : ',';
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out) as unknown;
}
