// Messages from the dashboard webview, checked before the panel acts on them: the webview runs
// our script, but it is a separate page, so its messages are input like any other.
import { RANGES, type FromWebview } from './messages';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const PNG_PREFIX = 'data:image/png;base64,';
/** A PNG of a few charts is well under this; anything larger is not ours. */
const MAX_PNG_CHARS = 30_000_000;

function pngUrlProblem(url: unknown): string | null {
  if (typeof url !== 'string' || !url.startsWith(PNG_PREFIX)) return 'not a PNG data URL';
  if (url.length > MAX_PNG_CHARS) return 'image too large';
  return null;
}

export type Checked = { ok: true; message: FromWebview } | { ok: false; why: string };

export function checkWebviewMessage(value: unknown): Checked {
  if (!isObject(value) || typeof value.type !== 'string') return { ok: false, why: 'message without a type' };
  switch (value.type) {
    case 'ready':
    case 'exportCsv':
      return { ok: true, message: { type: value.type } };
    case 'setRange':
      return typeof value.range === 'string' && Object.hasOwn(RANGES, value.range)
        ? { ok: true, message: { type: 'setRange', range: value.range as keyof typeof RANGES } }
        : { ok: false, why: `setRange: unknown range ${JSON.stringify(value.range)}` };
    case 'setTenant':
      return value.tenant === null || typeof value.tenant === 'string'
        ? { ok: true, message: { type: 'setTenant', tenant: value.tenant === '' ? null : value.tenant } }
        : { ok: false, why: 'setTenant: tenant is neither a name nor null' };
    case 'openSource': {
      const { file, line, column } = value;
      if (typeof file !== 'string' || !file.startsWith('/'))
        return { ok: false, why: 'openSource: file is not absolute' };
      if (!Number.isInteger(line) || (line as number) < 1)
        return { ok: false, why: 'openSource: line is not 1 or more' };
      const col = Number.isInteger(column) && (column as number) >= 1 ? (column as number) : 1;
      return { ok: true, message: { type: 'openSource', file, line: line as number, column: col } };
    }
    case 'png':
    case 'captured': {
      const url = value.dataUrl;
      const why = pngUrlProblem(url);
      if (why) return { ok: false, why: `${value.type}: ${why}` };
      if (value.type === 'png') return { ok: true, message: { type: 'png', dataUrl: url as string } };
      if (!Number.isSafeInteger(value.id) || (value.id as number) < 1)
        return { ok: false, why: 'captured: id is not a request number' };
      return { ok: true, message: { type: 'captured', id: value.id as number, dataUrl: url as string } };
    }
    default:
      return { ok: false, why: `unknown message type ${JSON.stringify(value.type)}` };
  }
}

/** The PNG bytes of a checked data URL. */
export function pngBytes(dataUrl: string): Buffer {
  return Buffer.from(dataUrl.slice(PNG_PREFIX.length), 'base64');
}
