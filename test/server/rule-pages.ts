// What every rule's page under docs/rules/ must hold, for both catalogues' tests (JavaScript/
// TypeScript and Python): the same sections in every page, whatever the language.

export const RULE_PAGE_SECTIONS = [
  '## What it does',
  '## Why is this bad?',
  '## Example',
  '## Use instead',
  '## Fix',
  '## Related rules',
] as const;
