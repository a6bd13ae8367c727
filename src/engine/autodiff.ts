/**
 * Reverse-mode autodiff over the recorded tape.
 *
 * grad(L, [w₁…wₙ]) walks the tape from L backwards, calls each op's VJP with the cotangent
 * accumulated for its output, and sums the contributions of every use of a value. The VJPs
 * append ordinary ONNX nodes, so the result is a gradient *graph*, evaluated by onnxruntime
 * together with the forward pass in one call.
 */
import type { Graph, Tensor } from './graph';
import { add } from './ops';

export function grad(G: Graph, loss: Tensor, wrt: Tensor[], seed?: Tensor): Tensor[] {
  if (!seed && loss.shape.length !== 0) throw new Error('grad: loss must be a scalar, or give a seed');
  const cot = new Map<number, Tensor>();
  cot.set(loss.id, seed ?? G.scalar(1));

  // Only walk what the loss depends on: mark the entries reachable backwards from it.
  const tape = G.tape.slice();
  const needed = new Set<number>([loss.id]);
  const live: boolean[] = new Array(tape.length).fill(false);
  for (let i = tape.length - 1; i >= 0; i--) {
    if (needed.has(tape[i].output.id)) {
      live[i] = true;
      for (const x of tape[i].inputs) needed.add(x.id);
    }
  }

  // ...and only the inputs that lead to a requested gradient: mark forwards from wrt.
  const feeds = new Set<number>(wrt.map((w) => w.id));
  for (const entry of tape) if (entry.inputs.some((x) => feeds.has(x.id))) feeds.add(entry.output.id);

  for (let i = tape.length - 1; i >= 0; i--) {
    if (!live[i]) continue;
    const entry = tape[i];
    const g = cot.get(entry.output.id);
    if (!g) continue;
    const needs = entry.inputs.map((x) => feeds.has(x.id));
    if (!needs.some(Boolean)) continue;
    const grads = entry.vjp(g, needs);
    entry.inputs.forEach((x, j) => {
      const gx = grads[j];
      if (!gx) return;
      const prev = cot.get(x.id);
      cot.set(x.id, prev ? add(G, prev, gx) : gx);
    });
  }

  return wrt.map((w) => {
    const g = cot.get(w.id);
    if (!g) throw new Error(`grad: loss does not depend on ${w.name}`);
    return g;
  });
}
