// Entry of dist/frontend-python.js: the Python front end alone (see front-end-bundles.ts).
import type { FrontEndBundle } from './front-end-bundles';
import { analyzePython, initPython } from '../frontends/python';

export const init: FrontEndBundle['init'] = (wasmDir) => initPython(wasmDir);
export const analyze: FrontEndBundle['analyze'] = (path, _language, text, options) =>
  analyzePython(path, text, options);
