// Reload openrtc.json when it changes on disk (debounced; editors write in bursts).
import { basename, dirname, join } from 'node:path';
import { watchDebounced, type DebouncedWatch } from '../util/debounced-watch';

export const CONFIG_RELOAD_DEBOUNCE_MS = 200;

export function watchConfigFile(path: string, onChange: () => void): DebouncedWatch {
  const target = join(dirname(path), basename(path));
  return watchDebounced(
    [dirname(path)],
    (p) => p === target,
    CONFIG_RELOAD_DEBOUNCE_MS,
    () => onChange(),
  );
}
