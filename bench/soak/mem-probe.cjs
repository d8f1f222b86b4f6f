// Preloaded into the soak's runtime (`node --require mem-probe.cjs cli.js run …`): appends the
// process's memory figures every 5 s to $OPENRTC_SOAK_MEM_TRACE, so the report can tell the JS
// heap's live size (its lowest readings, just after collections) from V8's sawtooth in RSS.
'use strict';
const { appendFileSync } = require('node:fs');
const { join } = require('node:path');
const { writeHeapSnapshot } = require('node:v8');
const { isMainThread } = require('node:worker_threads');

const file = process.env.OPENRTC_SOAK_MEM_TRACE;
// A diagnostic run (OPENRTC_SOAK_HEAP_SNAPSHOTS="240,1740", soak.ts then adds --expose-gc): each
// reading follows a full collection, so it is the live heap itself, and heap snapshots are
// written into OPENRTC_SOAK_HEAP_DIR at those seconds (compare them with heap-diff.mjs). Both
// disturb the run: snapshots leave RSS 60-80 MB higher.
const snapshotAt = (process.env.OPENRTC_SOAK_HEAP_SNAPSHOTS ?? '').split(',').filter(Boolean).map(Number);
// Worker threads (the attribution watchdog) preload this too; their heap is not the runtime's.
if (file && isMainThread) {
  const mb = (bytes) => Math.round((bytes / (1024 * 1024)) * 10) / 10;
  const dir = process.env.OPENRTC_SOAK_HEAP_DIR ?? process.cwd();
  for (const at of snapshotAt) {
    setTimeout(() => writeHeapSnapshot(join(dir, `runtime-${at}s.heapsnapshot`)), at * 1000).unref();
  }
  setInterval(() => {
    if (snapshotAt.length > 0 && typeof global.gc === 'function') global.gc();
    const m = process.memoryUsage();
    const line = {
      wall_ms: Date.now(),
      rss_mb: mb(m.rss),
      heap_total_mb: mb(m.heapTotal),
      heap_used_mb: mb(m.heapUsed),
      external_mb: mb(m.external),
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 5000).unref();
}
