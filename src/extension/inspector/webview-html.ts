/**
 * The inspector page's HTML shell. It holds no model data: the summary arrives by postMessage and is rendered as text
 * by dist/webview.js. The CSP allows only our own script (by nonce), our own stylesheet, and the graph layout
 * worker our script starts from a blob URL.
 */
export interface InspectorPageParts {
  /** `webview.cspSource`: the origin our bundled resources are served from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce: string;
  title: string;
  /** Test runs only: the page reports what it rendered after each paint (RenderReport). */
  reportRenders?: boolean;
}

export function inspectorHtml(parts: InspectorPageParts): string {
  // Built from VS Code's resource origin and our base64url nonce only: nothing here needs escaping.
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${parts.nonce}'`,
    `style-src ${parts.cspSource}`,
    `font-src ${parts.cspSource}`,
    `img-src ${parts.cspSource} data:`,
    // The graph layout worker, started from a blob URL made from our own bundle (webview/views/graph.ts).
    'worker-src blob:',
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(parts.styleUri)}">
<title>${escapeHtml(parts.title)}</title>
</head>
<body>
<main id="app" aria-busy="true"${parts.reportRenders ? ' data-report-renders="on"' : ''}><p class="muted">Reading ${escapeHtml(parts.title)}…</p></main>
<script nonce="${escapeHtml(parts.nonce)}" src="${escapeHtml(parts.scriptUri)}"></script>
</body>
</html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

