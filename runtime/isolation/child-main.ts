// Entry of an isolated tenant's child process (bundled as dist/tenant-child.js; forked by the
// runtime with its init as one JSON argument). Exits when the parent goes away or says shutdown.
import { ChildHost } from './child-host';
import { parseChildInit, IPC_TAG, type ChildMessage, type ParentMessage } from './messages';

function send(msg: ChildMessage): void {
  // After the parent is gone there is no one to report to; the 'disconnect' handler exits.
  if (process.connected) process.send?.(msg);
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('tenant child: must be started by the runtime with an IPC channel');
  const host = new ChildHost(parseChildInit(process.argv[2]), send);
  process.on('message', (raw: unknown) => {
    const msg = raw as ParentMessage | null;
    // Only the parent writes to this channel, with the tag; anything else is not for us.
    if (msg && typeof msg === 'object' && msg.tag === IPC_TAG) host.onMessage(msg);
  });
  process.on('disconnect', () => process.exit(0));
  await host.start();
}

main().catch((err: unknown) => {
  process.stderr.write(
    `openrtc tenant child: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
