/** DOM helpers for the inspector page. Every string is added as a text node: model strings are never parsed as markup. */

export type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string>, ...children: Child[]): HTMLElementTagNameMap[K];
export function el(tag: string, attrs?: Record<string, string>, ...children: Child[]): HTMLElement;
export function el(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  append(node, children);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  append(node, children);
  return node;
}

function append(node: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** A button that looks like a link: keyboard-focusable, activates with Enter/Space. */
export function linkButton(label: string, onClick: () => void, title?: string): HTMLButtonElement {
  const b = el('button', { type: 'button', class: 'link', ...(title ? { title } : {}) }, label);
  b.addEventListener('click', (e) => { e.stopPropagation(); onClick(); });
  return b;
}

/** A vscode-elements button (theme-aware); `secondary` for the quieter style. */
export function vscButton(label: string, onClick: () => void, opts: { secondary?: boolean; icon?: string; title?: string } = {}): HTMLElement {
  const attrs: Record<string, string> = {};
  if (opts.secondary) attrs['secondary'] = '';
  if (opts.icon) attrs['icon'] = opts.icon;
  if (opts.title) attrs['title'] = opts.title;
  const b = el('vscode-button', attrs, label);
  b.addEventListener('click', onClick);
  return b;
}
