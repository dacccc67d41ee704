/** The instance graph of a plan as Mermaid or Graphviz dot text. */
import type { Plan } from '../lang/plan.js';

export function planToMermaid(plan: Plan): string {
  const ids = new Map(plan.instances.map((inst, i) => [inst.id, `n${i}`]));
  const lines = ['graph TD'];
  for (const inst of plan.instances) {
    const label = `${escapeMermaid(inst.id)}<br/><small>${escapeMermaid(inst.kind)}</small>`;
    lines.push(`  ${ids.get(inst.id)}["${label}"]`);
  }
  for (const inst of plan.instances) {
    for (const dep of inst.deps) lines.push(`  ${ids.get(dep)} --> ${ids.get(inst.id)}`);
  }
  return lines.join('\n') + '\n';
}

export function planToDot(plan: Plan): string {
  const lines = [`digraph ${JSON.stringify(plan.name)} {`, '  rankdir=TB;', '  node [shape=box];'];
  for (const inst of plan.instances) {
    const label = JSON.stringify(`${inst.id}\n${inst.kind}`);
    lines.push(`  ${JSON.stringify(inst.id)} [label=${label}];`);
  }
  for (const inst of plan.instances) {
    for (const dep of inst.deps) {
      lines.push(`  ${JSON.stringify(dep)} -> ${JSON.stringify(inst.id)};`);
    }
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

function escapeMermaid(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}
