// Entry of dist/frontend-typescript.js: the TypeScript/JavaScript front end alone, with the
// compiler it parses with (see front-end-bundles.ts). The file extension tells TS from JS.
import type { FrontEndBundle } from './front-end-bundles';
import { analyzeTypeScript } from '../frontends/typescript';

export const init: FrontEndBundle['init'] = () => Promise.resolve();
export const analyze: FrontEndBundle['analyze'] = (path, _language, text, options) =>
  analyzeTypeScript(path, text, options);
