// The agents a runtime serves, loaded from the `agents` setting (a folder or a list of files and
// folders), and hot-reloaded on save: new sessions get the new code, live sessions keep the
// definition they started with, and a broken edit keeps the old code running.
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { watchDebounced, type DebouncedWatch } from '../util/debounced-watch';
import { bundleAgentFile } from './bundle';
import { AgentLoadError } from './load-error';
import { BundleMaps } from './stack-map';
import type { AgentDefinition, AgentProcess } from './types';

const AGENT_EXTENSIONS = new Set(['.ts', '.js', '.mjs']);
const RELOAD_DEBOUNCE_MS = 150;

export interface LoadedAgent {
  readonly name: string;
  readonly file: string;
  readonly version: number;
  readonly scriptName: string;
  readonly definition: AgentDefinition;
  readonly proc: AgentProcess;
}

export interface AgentLoadReport {
  agentName: string;
  file: string;
  ok: boolean;
  error: string | null;
  /** true for a reload after start-up, false for the initial load. */
  reload: boolean;
}

export function isAgentFile(path: string): boolean {
  const name = basename(path);
  return AGENT_EXTENSIONS.has(extname(name)) && !name.endsWith('.d.ts') && !name.startsWith('.');
}

export class AgentRegistry {
  private readonly byName = new Map<string, LoadedAgent>();
  private readonly byFile = new Map<string, LoadedAgent>();
  /** Every version loaded this run (old ones may still be running), for source mapping. */
  private readonly maps = new BundleMaps();
  private version = 0;
  private watcher: DebouncedWatch | null = null;
  private watchedKey = '';
  /** Agent file → the source files its current bundle was built from (itself included). */
  private readonly inputsByAgentFile = new Map<string, string[]>();
  private reloading: Promise<void> = Promise.resolve();

  constructor(
    private readonly workspaceDir: string,
    private spec: string | string[],
    private readonly report: (r: AgentLoadReport) => void,
  ) {}

  get(name: string): LoadedAgent | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** The bundled code (with its inline source map) evaluated under `scriptName`. */
  bundleFor(scriptName: string): string | undefined {
    return this.maps.get(scriptName);
  }

  /** A stack trace with agent-bundle positions mapped to the agents' own source lines. */
  mapStack(stack: string): string {
    return this.maps.mapStack(stack);
  }

  async loadAll(): Promise<void> {
    for (const file of this.agentFiles()) await this.loadFile(file, false);
  }

  /** A new `agents` setting (config reload): load what is new, drop what is gone. */
  async setSpec(spec: string | string[]): Promise<void> {
    this.spec = spec;
    const files = new Set(this.agentFiles());
    for (const [file, agent] of this.byFile) {
      if (!files.has(file)) {
        this.byFile.delete(file);
        this.inputsByAgentFile.delete(file);
        if (this.byName.get(agent.name) === agent) this.byName.delete(agent.name);
      }
    }
    for (const file of files) if (!this.byFile.has(file)) await this.loadFile(file, false);
    if (this.watcher) this.watch();
  }

  watch(): void {
    this.watcher?.close();
    const dirs = this.watchedDirs();
    this.watchedKey = dirs.join('\n');
    this.watcher = watchDebounced(dirs, isAgentFile, RELOAD_DEBOUNCE_MS, (paths) => {
      // Serialise reloads so two quick saves apply in order.
      this.reloading = this.reloading.then(() => this.reloadChanged(paths));
    });
  }

  /** Resolves once every reload triggered so far has been applied (tests, control API). */
  settled(): Promise<void> {
    return this.reloading;
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
  }

  /** Reloads agent files that changed, and agents whose helpers changed. */
  private async reloadChanged(paths: Set<string>): Promise<void> {
    const wanted = this.agentFiles();
    const toReload = wanted.filter(
      (file) => paths.has(file) || (this.inputsByAgentFile.get(file) ?? []).some((input) => paths.has(input)),
    );
    for (const file of toReload) await this.loadFile(file, true);
    // A reload may have pulled in helpers from a directory not watched yet.
    if (this.watcher && this.watchedDirs().join('\n') !== this.watchedKey) this.watch();
  }

  private async loadFile(file: string, reload: boolean): Promise<void> {
    const previous = this.byFile.get(file);
    const fallbackName = previous?.name ?? basename(file, extname(file));
    try {
      const bundled = await bundleAgentFile(file, ++this.version);
      const name = bundled.definition.name ?? fallbackName;
      const owner = this.byName.get(name);
      if (owner && owner.file !== file)
        throw new AgentLoadError(`${file}: agent name '${name}' is already defined by ${owner.file}`);
      const proc: AgentProcess = { userData: {} };
      try {
        await bundled.definition.prewarm?.(proc);
      } catch (err) {
        throw new AgentLoadError(
          `${file}: prewarm failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`,
        );
      }
      const loaded: LoadedAgent = {
        name,
        file,
        version: this.version,
        scriptName: bundled.scriptName,
        definition: bundled.definition,
        proc,
      };
      if (previous && previous.name !== name && this.byName.get(previous.name) === previous)
        this.byName.delete(previous.name);
      this.byFile.set(file, loaded);
      this.byName.set(name, loaded);
      this.inputsByAgentFile.set(file, bundled.inputs);
      this.maps.add(bundled.scriptName, bundled.code);
      this.report({ agentName: name, file, ok: true, error: null, reload });
    } catch (err) {
      const message = err instanceof AgentLoadError ? err.message : `${file}: ${String(err)}`;
      this.report({ agentName: fallbackName, file, ok: false, error: message, reload });
    }
  }

  private entries(): string[] {
    return (Array.isArray(this.spec) ? this.spec : [this.spec]).map((p) => resolve(this.workspaceDir, p));
  }

  private agentFiles(): string[] {
    const files: string[] = [];
    for (const entry of this.entries()) {
      let isDir: boolean;
      try {
        isDir = statSync(entry).isDirectory();
      } catch {
        continue;
      }
      if (!isDir) {
        files.push(entry);
        continue;
      }
      for (const name of readdirSync(entry).sort()) {
        const path = resolve(entry, name);
        if (isAgentFile(path) && statSync(path).isFile()) files.push(path);
      }
    }
    return [...new Set(files)];
  }

  /** The agent folders, plus the folders of every source file the current bundles came from. */
  private watchedDirs(): string[] {
    const dirs = new Set(
      this.entries().map((e) => {
        try {
          return statSync(e).isDirectory() ? e : dirname(e);
        } catch {
          return dirname(e);
        }
      }),
    );
    for (const inputs of this.inputsByAgentFile.values()) for (const input of inputs) dirs.add(dirname(input));
    return [...dirs].sort();
  }
}
