// Mocha entry the extension host loads (extensionTestsPath). Bundled by test/e2e/run.mjs
// with `mocha` external: mocha loads from the repository's node_modules at run time.
import Mocha from 'mocha';
import { SPECS } from './specs';

export const RESULT_MARKER = 'OPENRTC_E2E_RESULT';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 30_000, color: false, reporter: 'spec' });
  const grep = process.env.OPENRTC_E2E_GREP;
  if (grep) mocha.grep(grep);
  // The tdd UI defines suite()/test() as globals on pre-require; the specs register after it.
  mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
  for (const register of SPECS) register();
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const stats = runner.stats ?? { passes: 0, failures, pending: 0 };
      console.log(
        `${RESULT_MARKER}${JSON.stringify({ passed: stats.passes, failed: stats.failures, skipped: stats.pending })}`,
      );
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
  });
}
