// Stand-alone entry for `openrtc top` (the CLI's command table calls runTop directly).
import { topCommand } from './top';

topCommand
  .run(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  })
  .then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`openrtc top: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
