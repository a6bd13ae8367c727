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

/**
 * How a typed answer was read: the value in the exercise's unit, and a sentence that says so
 * ("read as 1.2 percentage points"), or why it could not be read.
 */
export type ReadAnswer = { value: number; read: string; error?: undefined } | { value: null; read?: undefined; error: string };

/** Units whose numbers are themselves percentages: a typed "%" or "pp" marks the unit, it does not divide by 100. */
const PERCENT_UNITS = /^(%|percent|per ?cent|percentage points?|pp|points?)$/i;

function fmtRead(v: number): string {
  return String(Number(v.toPrecision(12)));
}

/**
 * Read a number as a reader types it, in the exercise's unit: "1.2", " 1.2 ", ".5", "1e-3",
 * "1,2" and "-0,5" (decimal comma), "1,000,000" and "1,000.5" (thousands), "−0.5" (minus sign).
 * Without a unit "80%" is a fraction (0.8); when the unit is a percentage, "1.2%" and "1.2 pp" are
 * 1.2 of it. A suffix naming the unit itself ("40 steps") is accepted. "1,200" is refused as
 * ambiguous rather than guessed.
 */
export function readAnswer(input: string, unit?: string): ReadAnswer {
  const raw = input.trim().replace(/\u2212/g, '-').replace(/\s+/g, ' ');
  const bad = (why: string): ReadAnswer => ({
    value: null,
    error: raw === '' ? 'Type a number first.' : `"${input.trim()}" is not a number I can read${why}. Type digits, e.g. ${unit && PERCENT_UNITS.test(unit) ? '1.2 or 1.2%' : '0.8, 0,8 or 80%'}.`,
  });
  const m = /^([-+]?[\d.,]*\d[\d.,]*(?:e[-+]?\d+)?)\s*(.*)$/i.exec(raw);
  if (!m) return bad('');
  let num = m[1];
  const suffix = m[2].trim();
  const commas = (num.match(/,/g) ?? []).length;
  const dots = (num.match(/\./g) ?? []).length;
  if (dots > 1) return bad('');
  if (commas > 0) {
    if (dots === 1 || commas > 1) {
      // thousands separators: groups of three digits before any decimal point
      if (!/^[-+]?\d{1,3}(,\d{3})+(\.\d*)?(e[-+]?\d+)?$/i.test(num)) return bad('');
      num = num.replace(/,/g, '');
    } else if (/^[-+]?[1-9]\d{0,2},\d{3}$/.test(num)) {
      return { value: null, error: `"${input.trim()}" could be read two ways — write ${num.replace(',', '')} for the whole number or ${num.replace(',', '.')} for the decimal.` };
    } else if (/^[-+]?\d*,\d+(e[-+]?\d+)?$/i.test(num)) num = num.replace(',', '.'); // decimal comma
    else return bad('');
  }
  const v = Number(num);
  if (!/\d/.test(num) || !Number.isFinite(v)) return bad('');
  const percentUnit = !!unit && PERCENT_UNITS.test(unit);
  if (suffix === '') {
    return { value: v, read: unit ? `${fmtRead(v)} ${unit}` : fmtRead(v) };
  }
  if (percentUnit && PERCENT_UNITS.test(suffix)) return { value: v, read: `${fmtRead(v)} ${unit}` };
  if (!unit && suffix === '%') {
    const f = v / 100;
    return { value: f, read: `${fmtRead(v)}% = ${fmtRead(f)}` };
  }
  if (unit && suffix.toLowerCase() === unit.toLowerCase()) return { value: v, read: `${fmtRead(v)} ${unit}` };
  return { value: null, error: `I read the number ${fmtRead(v)} but not "${suffix}": this answer is ${unit ? `in ${unit}` : 'a plain number (or a percentage with %)'}.` };
}

/** The number alone (see readAnswer); null when it cannot be read. */
export function parseNumber(input: string, unit?: string): number | null {
  return readAnswer(input, unit).value;
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

export function gradeNumeric(input: string, target: number, tol: Tolerance, unit?: string): { correct: boolean; value: number | null; read?: string; message: string } {
  const r = readAnswer(input, unit);
  if (r.value === null) return { correct: false, value: null, message: r.error };
  const correct = withinTolerance(r.value, target, tol);
  return { correct, value: r.value, read: r.read, message: `Read as ${r.read}. ${correct ? 'Correct.' : 'Not quite — try again, or open a hint.'}` };
}

/** Predict-then-run: grade a committed prediction against the number the reader's own run produced. */
export function gradePrediction(prediction: number, actual: number, tol: Tolerance, read?: string): { correct: boolean; message: string } {
  const correct = withinTolerance(prediction, actual, tol);
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
  return {
    correct,
    message: `You predicted ${fmt(prediction)}${read ? ` (read as ${read})` : ''}; your run produced ${fmt(actual)}. ${correct ? 'Within tolerance — well predicted.' : 'Outside tolerance — what did you expect differently?'}`,
  };
}
