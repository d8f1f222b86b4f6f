// The room a local call's agents-js job sees (issue 12, Deliver 3): the smallest stand-in that
// agents-js accepts as a connected room with one caller in it, so `ctx.waitForParticipant()`
// returns the caller and an AgentSession started with `room: ctx.room` links to them. There is
// no media and no network: audio is off in text simulation, and what the session streams to
// the room (transcripts, agent state, session messages) is accepted and dropped — the caller's
// dialogue goes through our call channel (text-bridge.ts). disconnect() ends the job as a real
// room's Disconnected event does.
import { EventEmitter } from 'node:events';
import type * as Rtc from '@livekit/rtc-node';
import type { RtcModule } from '../../agents/livekit/agents-module';
import type { JobRoom } from './job-source';

export interface LocalRoomInit {
  roomName: string;
  roomMetadata: string;
  /** The caller participant (the local call). */
  callerIdentity: string;
  agentIdentity: string;
}

/** A stream writer that takes what it is given and keeps nothing. */
class DroppedStream {
  readonly info = { id: '', topic: '', timestamp: 0 };
  async write(): Promise<void> {}
  async close(): Promise<void> {}
}

class LocalParticipantStandIn {
  readonly sid: string;
  name: string;
  metadata = '';
  attributes: Record<string, string> = {};
  readonly trackPublications = new Map<string, unknown>();

  constructor(readonly identity: string) {
    this.sid = `PA_${identity}`;
    this.name = identity;
  }

  async streamText(): Promise<DroppedStream> {
    return new DroppedStream();
  }
  async streamBytes(): Promise<DroppedStream> {
    return new DroppedStream();
  }
  async sendText(): Promise<{ id: string }> {
    return { id: '' };
  }
  async publishTranscription(): Promise<void> {}
  async publishData(): Promise<void> {}
  async setAttributes(attributes: Record<string, string>): Promise<void> {
    this.attributes = { ...this.attributes, ...attributes };
  }
  async setMetadata(metadata: string): Promise<void> {
    this.metadata = metadata;
  }
  async setName(name: string): Promise<void> {
    this.name = name;
  }
  registerRpcMethod(): void {}
  unregisterRpcMethod(): void {}
  async publishTrack(): Promise<never> {
    throw new Error('the local room has no media: publishing a track needs a LiveKit server (openrtc run --livekit)');
  }
}

class LocalRoomStandIn extends EventEmitter {
  readonly remoteParticipants = new Map<string, unknown>();
  readonly localParticipant: LocalParticipantStandIn;
  readonly name: string;
  readonly metadata: string;
  private state: Rtc.ConnectionState;

  constructor(
    private readonly rtc: RtcModule,
    init: LocalRoomInit,
  ) {
    super();
    this.name = init.roomName;
    this.metadata = init.roomMetadata;
    this.state = rtc.ConnectionState.CONN_CONNECTED;
    this.localParticipant = new LocalParticipantStandIn(init.agentIdentity);
    const kind = rtc.ParticipantKind.STANDARD;
    this.remoteParticipants.set(init.callerIdentity, {
      sid: `PA_${init.callerIdentity}`,
      identity: init.callerIdentity,
      name: init.callerIdentity,
      metadata: '',
      attributes: {},
      kind,
      info: { identity: init.callerIdentity, kind, attributes: {} },
      trackPublications: new Map(),
    });
  }

  get isConnected(): boolean {
    return this.state === this.rtc.ConnectionState.CONN_CONNECTED;
  }

  get connectionState(): Rtc.ConnectionState {
    return this.state;
  }

  async getSid(): Promise<string> {
    return `RM_${this.name}`;
  }

  /** A fake job never connects (ctx.connect() is a no-op): nothing to do. */
  async connect(): Promise<void> {}

  async disconnect(): Promise<void> {
    if (!this.isConnected) return;
    this.state = this.rtc.ConnectionState.CONN_DISCONNECTED;
    this.emit(this.rtc.RoomEvent.ConnectionStateChanged, this.state);
    this.emit(this.rtc.RoomEvent.Disconnected, 0);
  }

  registerTextStreamHandler(): void {}
  unregisterTextStreamHandler(): void {}
  registerByteStreamHandler(): void {}
  unregisterByteStreamHandler(): void {}
}

export function localRoom(rtc: RtcModule, init: LocalRoomInit): JobRoom {
  // Structural stand-in: agents-js only uses the members above on a room in text simulation.
  return new LocalRoomStandIn(rtc, init) as unknown as JobRoom;
}
