// One subscriber's event stream. A reader that does not keep up must not make the runtime
// buffer without bound: while its transport is backed up, events are dropped and counted,
// and the subscriber gets one "dropped N" notice before the next event that goes through.
import type { RuntimeEvent, RuntimeEventType } from '../../protocol/control';

export interface EventSink {
  /** True while earlier messages are still queued beyond the allowed backlog. */
  isBackedUp(): boolean;
  sendEvent(event: RuntimeEvent): void;
  sendDropped(dropped: number): void;
}

export class EventStream {
  private dropped = 0;
  private totalDropped = 0;

  constructor(
    private readonly sink: EventSink,
    private readonly types: ReadonlySet<RuntimeEventType> | null,
  ) {}

  get droppedTotal(): number {
    return this.totalDropped;
  }

  deliver(event: RuntimeEvent): void {
    if (this.types && !this.types.has(event.type)) return;
    if (this.sink.isBackedUp()) {
      this.dropped += 1;
      this.totalDropped += 1;
      return;
    }
    if (this.dropped > 0) {
      this.sink.sendDropped(this.dropped);
      this.dropped = 0;
    }
    this.sink.sendEvent(event);
  }
}
