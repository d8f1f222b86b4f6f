// Maps frames from bundle coordinates back to the agent's own source through the bundle's
// source map (inline `data:` URL, as the runtime's esbuild step writes, or a linked .map
// file). Runs in the watchdog worker so the main loop never parses a source map.
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackFrame } from '../../protocol/control';
import type { RawFrame } from './messages';

/** Bundles bigger than this are not read for a map (bounded work on a block). */
const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;
const MAP_COMMENT = /\/\/[#@] sourceMappingURL=(\S+)\s*$/;

export interface MappedFrame extends StackFrame {
  /** true when the position came from a source map (the agent's own source). */
  mapped: boolean;
}

function toPath(file: string): string | null {
  if (file.startsWith('file://')) return fileURLToPath(file);
  return file.startsWith('/') ? file : null;
}

/** The source-map URL a bundle's last `sourceMappingURL` comment names (an inline map can be longer than the code). */
export function sourceMapUrlOf(code: string): string | null {
  const at = Math.max(code.lastIndexOf('//# sourceMappingURL='), code.lastIndexOf('//@ sourceMappingURL='));
  return at < 0 ? null : (MAP_COMMENT.exec(code.slice(at).trimEnd())?.[1] ?? null);
}

/** A map from its URL: a `data:` URL, or a path relative to the script's directory. */
function mapFromUrl(url: string, scriptPath: string): TraceMap {
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    const meta = url.slice(5, comma);
    const body = url.slice(comma + 1);
    const json = meta.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
    return new TraceMap(json, scriptPath);
  }
  const mapPath = resolve(dirname(scriptPath), url);
  return new TraceMap(readFileSync(mapPath, 'utf8'), mapPath);
}

function loadMap(path: string): TraceMap | null {
  if (statSync(path).size > MAX_BUNDLE_BYTES) return null;
  const url = sourceMapUrlOf(readFileSync(path, 'utf8'));
  return url ? mapFromUrl(url, path) : null;
}

export class FrameMapper {
  /** Keyed by path and mtime, so a hot-reloaded bundle at the same path is read again. */
  private readonly maps = new Map<string, { mtimeMs: number; map: TraceMap | null }>();
  /** Scripts that exist only in memory (evaluated under a name like `/ws/a.ts?v=3`), by that name. */
  private readonly registered = new Map<string, TraceMap | null>();

  /** Adds the map of an in-memory script; `mapUrl` null records that it has none (so nobody asks again). */
  register(scriptName: string, mapUrl: string | null): void {
    let map: TraceMap | null;
    try {
      map = mapUrl ? mapFromUrl(mapUrl, toPath(scriptName) ?? scriptName) : null;
    } catch {
      map = null; // a malformed map leaves frames in bundle coordinates
    }
    this.registered.set(scriptName, map);
  }

  /** Scripts of these frames that exist only in memory (no file on disk) and are not registered. */
  unknownScripts(frames: readonly RawFrame[]): string[] {
    const names = frames.map((f) => f.file).filter((f) => !this.registered.has(f) && !f.startsWith('node:'));
    return [...new Set(names)].filter((f) => {
      const path = toPath(f);
      return !path || !existsSync(path);
    });
  }

  map(frame: RawFrame): MappedFrame {
    const plain: MappedFrame = { ...frame, mapped: false };
    if (frame.line < 1) return plain;
    const path = toPath(frame.file);
    const map = this.registered.get(frame.file) ?? (path ? this.mapFor(path) : null);
    if (!map) return plain;
    const pos = originalPositionFor(map, { line: frame.line, column: Math.max(0, frame.column - 1) });
    if (pos.source === null || pos.line === null || pos.column === null) return plain;
    const source = toPath(pos.source) ?? pos.source;
    return { function: frame.function, file: source, line: pos.line, column: pos.column + 1, mapped: true };
  }

  /** Agent (mapped) frames first, each group in stack order. */
  mapAll(frames: readonly RawFrame[]): StackFrame[] {
    const mapped = frames.map((f) => this.map(f));
    return [...mapped.filter((f) => f.mapped), ...mapped.filter((f) => !f.mapped)].map(
      ({ function: fn, file, line, column }) => ({ function: fn, file, line, column }),
    );
  }

  private mapFor(path: string): TraceMap | null {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(path).mtimeMs;
    } catch {
      return null;
    }
    const hit = this.maps.get(path);
    if (hit && hit.mtimeMs === mtimeMs) return hit.map;
    let map: TraceMap | null;
    try {
      map = loadMap(path);
    } catch {
      // An unreadable or malformed map leaves the frame in bundle coordinates; never fail the report.
      map = null;
    }
    this.maps.set(path, { mtimeMs, map });
    return map;
  }
}
