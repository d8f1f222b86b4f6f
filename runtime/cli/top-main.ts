// Stand-alone entry for `openrtc top` (the CLI's command table calls runTop directly).
import { runTop } from './top';

runTop(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`openrtc top: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
