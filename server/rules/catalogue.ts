// Every language's catalogue in one list. Apart from the front ends so code that only reads
// rules (the check bundle's main thread, which never parses) does not load the compilers.
import { javascriptRules } from './javascript';
import { pythonRules } from './python';
import type { Rule } from './rule';

export const catalogue: readonly Rule[] = [...javascriptRules, ...pythonRules];
