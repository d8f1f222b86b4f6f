// SARIF 2.1.0 for code scanning (GitHub's upload-sarif among others): one run, the rules that
// fired with their docs pages, results with a region, the helper chain as related locations,
// file URIs relative to %SRCROOT% (the working directory) so the report is portable.
import type { Finding } from '../core/findings';
import type { ActiveSeverity, RuleBook } from '../core/rule-book';
import { docsUrl } from '../rules/rule';
import { relativeFile } from './report';

const level: Record<ActiveSeverity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

function region(range: Finding['range']): SarifRegion {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

const encodeUri = (relPath: string): string => relPath.split('/').map(encodeURIComponent).join('/');

function location(cwd: string, file: string, range: Finding['range']) {
  const rel = relativeFile(cwd, file);
  const absolute = rel.startsWith('/');
  return {
    physicalLocation: {
      artifactLocation: absolute
        ? { uri: `file://${encodeUri(rel)}` }
        : { uri: encodeUri(rel), uriBaseId: '%SRCROOT%' },
      region: region(range),
    },
  };
}

export function formatSarif(cwd: string, findings: readonly Finding[], rules: RuleBook, version: string): string {
  const codes = [...new Set(findings.map((f) => f.code))].sort();
  const ruleIndex = new Map(codes.map((code, i) => [code, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'openrtc',
            version,
            informationUri: 'https://github.com/openrtc/openrtc-vscode',
            rules: codes.map((code) => {
              const rule = rules.get(code);
              return {
                id: code,
                name: rule?.name ?? code,
                shortDescription: { text: rule?.message ?? code },
                fullDescription: { text: rule !== undefined ? `${rule.message}; use ${rule.replacement}` : code },
                helpUri: docsUrl(code),
                defaultConfiguration: { level: level[rule?.severity ?? 'warning'] },
              };
            }),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: `file://${encodeUri(cwd.endsWith('/') ? cwd : `${cwd}/`)}` } },
        results: findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: ruleIndex.get(f.code) as number,
          level: level[f.severity],
          message: { text: f.message },
          locations: [location(cwd, f.path, f.range)],
          ...(f.chain.length > 0
            ? {
                relatedLocations: f.chain.map((hop, i) => ({
                  id: i,
                  ...location(cwd, hop.path, hop.range),
                  message: { text: `${hop.functionName}() calls ${hop.calls}` },
                })),
              }
            : {}),
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
