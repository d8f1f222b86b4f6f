// fs.watch with a trailing debounce. Watches directories rather than files because editors save
// by writing a temp file and renaming it over the original, which ends a per-file watch.
import { watch, type FSWatcher } from 'node:fs';
import { basename, join } from 'node:path';

export interface DebouncedWatch {
  close(): void;
}

/**
 * Calls `onChange` with the set of changed paths (absolute) once no event has arrived for
 * `delayMs`. `accept` filters by absolute path. Directories that cannot be watched are skipped.
 */
export function watchDebounced(
  dirs: string[],
  accept: (path: string) => boolean,
  delayMs: number,
  onChange: (paths: Set<string>) => void,
): DebouncedWatch {
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  const watchers: FSWatcher[] = [];
  for (const dir of new Set(dirs)) {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => {
        const path = join(dir, name ? basename(name.toString()) : '');
        if (!name || !accept(path)) return;
        pending.add(path);
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          const batch = pending;
          pending = new Set();
          onChange(batch);
        }, delayMs);
        timer.unref();
      });
      w.on('error', () => w.close());
      watchers.push(w);
    } catch {
      // A missing directory simply has nothing to reload.
    }
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
