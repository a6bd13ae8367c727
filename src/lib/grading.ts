/** Exercise grading: pure functions, unit-tested. */

export interface ChoiceOption {
  text: string;
  correct?: boolean;
  /** Why this option is right or wrong, shown after the reader picks it. */
  why: string;
}

export function gradeChoice(options: readonly ChoiceOption[], picked: number): { correct: boolean; explanation: string } {
  const o = options[picked];
  if (!o) return { correct: false, explanation: 'Pick one of the options.' };
  return { correct: !!o.correct, explanation: o.why };
}

/** Parse a number as a reader types it: "0.5", ".5", "1e-3", "1,000", "50%" (→ 0.5). */
export function parseNumber(input: string): number | null {
  const s = input.trim().replace(/,/g, '');
  const m = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*(%?)$/i.exec(s);
  if (!m) return null;
  const v = Number(m[1]);
  if (!Number.isFinite(v)) return null;
  return m[2] === '%' ? v / 100 : v;
}

export interface Tolerance {
  /** Absolute tolerance. */
  abs?: number;
  /** Relative tolerance (fraction of the target). */
  rel?: number;
}

export function withinTolerance(value: number, target: number, tol: Tolerance): boolean {
  const abs = tol.abs ?? 0;
  const rel = (tol.rel ?? 0) * Math.abs(target);
  return Math.abs(value - target) <= Math.max(abs, rel) + 1e-12;
}

export function gradeNumeric(input: string, target: number, tol: Tolerance): { correct: boolean; value: number | null; message: string } {
  const value = parseNumber(input);
  if (value === null) return { correct: false, value, message: `"${input}" is not a number I can read.` };
  const correct = withinTolerance(value, target, tol);
  return { correct, value, message: correct ? 'Correct.' : 'Not quite — try again, or open a hint.' };
}

/** Predict-then-run: grade a committed prediction against the number the reader's own run produced. */
export function gradePrediction(prediction: number, actual: number, tol: Tolerance): { correct: boolean; message: string } {
  const correct = withinTolerance(prediction, actual, tol);
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
  return {
    correct,
    message: `You predicted ${fmt(prediction)}; your run produced ${fmt(actual)}. ${correct ? 'Within tolerance — well predicted.' : 'Outside tolerance — what did you expect differently?'}`,
  };
}
