// The OpenRTC language server. `node dist/server.js --stdio`, or spawned by the extension
// over IPC: createConnection(ProposedFeatures.all) picks the transport from the arguments.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { MAX_FILE_CHARS } from './check/analyse-job';
import { catalogue, initFrontEnds } from './lsp/front-ends';
import { analyserVersion } from './check/analysis-cache';
import { ScanCache } from './lsp/scan-cache';
import { startServer } from './lsp/server';

/** Larger texts are analysed up to this many characters (≈ 50,000 lines of 40 characters). */
const maxFileChars = MAX_FILE_CHARS;
/** The start-up scan analyses at most this many workspace files; others when opened. */
const maxWorkspaceFiles = 5_000;

const connection = createConnection(ProposedFeatures.all);
// Every handler is guarded; this catches what escapes anyway (a timer in a library) so one
// bad input costs a log line, not the editor's diagnostics for the rest of the session.
process.on('uncaughtException', (error) => connection.console.error(`uncaught: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`unhandled rejection: ${String(reason)}`));
// The start-up scan shares `openrtc check`'s cache (.openrtc/cache/) and worker threads.
const scanCache = new ScanCache({
  bundleDir: __dirname,
  analyser: analyserVersion(__dirname, __filename),
  log: (message) => connection.console.info(message),
});
startServer(connection, {
  analyze: scanCache.analyze,
  prepareScan: (roots, files) => scanCache.prepare(roots, files),
  ready: initFrontEnds(__dirname),
  catalogue,
  maxFileChars,
  maxWorkspaceFiles,
});
