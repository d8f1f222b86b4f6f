// Fan-out of RuntimeEvents to control-API subscribers and the metrics file. A listener that
// throws is dropped from this delivery only; it cannot break admission or other listeners.
import type { RuntimeEvent } from '../../protocol/control';

export class EventBus {
  private readonly listeners = new Set<(e: RuntimeEvent) => void>();

  on(listener: (e: RuntimeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: RuntimeEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A subscriber's bug is its own; the runtime keeps going.
      }
    }
  }
}
