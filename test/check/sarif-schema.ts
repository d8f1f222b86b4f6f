// The official SARIF 2.1.0 JSON schema (the OASIS committee's final draft, rtm.5, as GitHub code
// scanning and schemastore publish it), compiled with the project's Ajv. No npm package ships
// the schema alone; @microsoft/jest-sarif ships it as lib/schemas/sarif-2.1.0-rtm.5.json
// (pinned as a devDependency for this file only). The schema is written in JSON Schema
// draft-04, which Ajv 8 reads once its draft-04 header (`$schema`, `id`) is dropped: the
// schema uses no draft-04 keyword whose meaning changed (no boolean exclusiveMinimum/Maximum).
// Its three formats are checked here (uri, uri-reference, date-time) instead of ignored.
import Ajv, { type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';

export const OFFICIAL_SCHEMA_PACKAGE = '@microsoft/jest-sarif@1.0.0-beta.0';
const SCHEMA_MODULE = '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json';

/** Where the official schema is installed, or null when the package is not. */
export function officialSchemaPath(): string | null {
  try {
    return require.resolve(SCHEMA_MODULE);
  } catch {
    return null;
  }
}

const isUri = (s: string): boolean => {
  try {
    return new URL(s).protocol !== '';
  } catch {
    return false;
  }
};
const isUriReference = (s: string): boolean => {
  try {
    new URL(s, 'file:///base/');
    return !/\s/.test(s);
  } catch {
    return false;
  }
};
const isDateTime = (s: string): boolean =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(s) && !Number.isNaN(Date.parse(s));

/** Compiles the official schema; the validator and Ajv (for errorsText). */
export function officialSarifValidator(file: string): { validate: ValidateFunction; ajv: Ajv } {
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  if (schema['$schema'] !== 'http://json-schema.org/draft-04/schema#')
    throw new Error(`${file}: expected the draft-04 SARIF schema, got ${String(schema['$schema'])}`);
  delete schema['$schema'];
  delete schema['id'];
  // strict: false, as draft-04 schemas carry keywords Ajv's strict mode reports (e.g. `default` beside `$ref`);
  // unicodeRegExp: false, as the schema's `language` pattern (`...{2}]?$`) is valid only without the u flag.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  ajv.addFormat('uri', isUri);
  ajv.addFormat('uri-reference', isUriReference);
  ajv.addFormat('date-time', isDateTime);
  return { validate: ajv.compile(schema), ajv };
}
