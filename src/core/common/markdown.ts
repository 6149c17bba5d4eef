/**
 * Text from a model or the user (tensor names, file paths, messages) inside Markdown: the arena hover and the
 * quantization report. Markdown's punctuation is escaped with a backslash, `$` too (VS Code renders
 * math), and `<`, `>`, `&` become entities so that no text turns into HTML.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|~$<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`));
}
