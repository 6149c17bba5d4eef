/**
 * Collapsing the graph by name scope, like Model Explorer's layers: operators whose scope (from their output
 * tensor's name, `a/b/c` -> `a/b`: nameScope in graph.ts) starts with the same first `depth` segments become one group node,
 * unless that prefix was expanded, in which case the next segment decides, and so on. A group of one operator stays
 * that operator. Edges are remapped to the groups; those inside a group disappear, parallel ones merge.
 */
import { nameScope, type GraphEdge, type GraphModel, type GraphNode } from './graph';
import type { OperatorRow, TensorRow } from './tables';

/** The name scope of each operator (by index), from its first output's tensor name. */
export function operatorScopes(operators: readonly OperatorRow[], tensors: readonly TensorRow[]): string[] {
  return operators.map((op) => {
    const t = op.outputs[0];
    return t !== undefined && t >= 0 ? nameScope(tensors[t]?.name ?? '') : '';
  });
}

export const groupNodeId = (scope: string): string => `scope:${scope}`;

/** The prefix that holds this scope at `depth` given the expanded prefixes, or undefined when it stays ungrouped. */
export function groupKey(scope: string, depth: number, expanded: ReadonlySet<string>): string | undefined {
  if (!scope || depth < 1) return undefined;
  const parts = scope.split('/');
  for (let d = depth; d <= parts.length; d++) {
    const prefix = parts.slice(0, d).join('/');
    if (!expanded.has(prefix)) return prefix;
  }
  return undefined;
}

/** The deepest scope depth of any operator (0 when no tensor name has a `/`). */
export function maxScopeDepth(scopes: readonly string[]): number {
  let max = 0;
  for (const s of scopes) if (s) max = Math.max(max, s.split('/').length);
  return max;
}

/** `scopes`: per operator index (operatorScopes). */
export function collapseScopes(graph: GraphModel, scopes: readonly string[], depth: number, expanded: ReadonlySet<string> = new Set()): GraphModel {
  if (depth < 1) return graph;
  const members = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) {
    if (n.kind !== 'op') continue;
    const key = groupKey(scopes[n.ref] ?? '', depth, expanded);
    if (key === undefined) continue;
    const list = members.get(key);
    if (list) list.push(n); else members.set(key, [n]);
  }
  const into = new Map<string, string>();
  const groups = new Map<string, GraphNode>();
  for (const [key, list] of members) {
    if (list.length < 2) continue;
    const ops = list.map((n) => n.ref);
    const folded = list.flatMap((n) => [n.ref, ...(n.folded ?? [])]);
    const opcodes = new Set(list.map((n) => n.label));
    groups.set(key, {
      id: groupNodeId(key), kind: 'group', label: key, detail: `${ops.length} operators${opcodes.size <= 3 ? ` · ${[...opcodes].join(', ')}` : ''}`,
      category: list[0]!.category, ref: Math.min(...ops), folded,
    });
    for (const n of list) into.set(n.id, groupNodeId(key));
  }
  if (!groups.size) return graph;
  const nodes: GraphNode[] = [];
  const emitted = new Set<string>();
  for (const n of graph.nodes) {
    const g = into.get(n.id);
    if (g === undefined) nodes.push(n);
    else if (!emitted.has(g)) { emitted.add(g); nodes.push(groups.get(g.slice('scope:'.length))!); }
  }
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  for (const e of graph.edges) {
    const from = into.get(e.from) ?? e.from;
    const to = into.get(e.to) ?? e.to;
    if (from === to) continue;
    const k = `${from}>${to}`;
    if (seen.has(k)) continue;
    seen.add(k);
    edges.push({ from, to, tensor: e.tensor });
  }
  return { ...graph, nodes, edges };
}
