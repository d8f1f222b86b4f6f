// The dashboard page's HTML and Content-Security-Policy. Pure, so the webview test loads the
// very page the panel serves: our script by nonce, our stylesheet, nothing inline or remote.
export interface PageSources {
  /** The webview's own origin (`webview.cspSource`). */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

export function dashboardCsp(s: Pick<PageSources, 'cspSource' | 'nonce'>): string {
  return [
    "default-src 'none'",
    `img-src ${s.cspSource} data:`,
    `style-src ${s.cspSource}`,
    `font-src ${s.cspSource}`,
    `script-src 'nonce-${s.nonce}'`,
  ].join('; ');
}

const attr = (v: string): string => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function dashboardHtml(s: PageSources): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(dashboardCsp(s))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(s.styleUri)}">
<title>OpenRTC Dashboard</title>
</head>
<body>
<main id="app"><p>Loading the dashboard…</p></main>
<script nonce="${attr(s.nonce)}" src="${attr(s.scriptUri)}"></script>
</body>
</html>`;
}
