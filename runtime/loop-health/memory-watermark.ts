// Worker RSS watermarks (OpenRTC's memory_warn_mb / memory_limit_mb): warn once per crossing,
// re-armed when RSS falls back below; over the limit, log and ask the runtime to drain.
// Exiting after the drain is the embedding program's decision (the CLI's), as for signals.
import type { LogLevel } from '../log-writer/log';

export class MemoryWatermark {
  private warned = false;
  private limited = false;

  constructor(
    private readonly log: (level: LogLevel, message: string) => void,
    private readonly onLimit: () => void,
  ) {}

  check(rssMb: number, warnMb: number, limitMb: number): void {
    if (limitMb > 0 && rssMb > limitMb) {
      if (this.limited) return;
      this.limited = true;
      this.log(
        'error',
        `worker RSS ${Math.round(rssMb)} MB exceeded memory_limit_mb=${limitMb}; draining so the worker can be restarted`,
      );
      this.onLimit();
      return;
    }
    if (warnMb > 0 && rssMb > warnMb) {
      if (!this.warned) this.log('warn', `worker RSS ${Math.round(rssMb)} MB crossed memory_warn_mb=${warnMb}`);
      this.warned = true;
    } else {
      this.warned = false;
    }
  }
}
