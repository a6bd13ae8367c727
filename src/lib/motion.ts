/**
 * Whether the page should hold still: the reader's motion setting on <html data-motion> (set before
 * first paint by public/reading-init.js, changed by the settings panel), else the system's
 * prefers-reduced-motion. Figures ask this before training on their own (src/widgets/frame).
 */
import { effectiveMotion, MOTIONS, type ReadingSettings } from './reading-settings';

/** Fired on window when the reader changes a reading setting (detail: the new settings). */
export const READING_EVENT = 'learning-dynamics:reading';

export function motionSetting(): ReadingSettings['motion'] {
  const m = typeof document === 'undefined' ? undefined : document.documentElement.dataset.motion;
  return (MOTIONS as readonly string[]).includes(m ?? '') ? (m as ReadingSettings['motion']) : 'system';
}

export function reducedMotion(): boolean {
  const system = typeof matchMedia !== 'undefined' && matchMedia('(prefers-reduced-motion: reduce)').matches;
  return effectiveMotion(motionSetting(), system) === 'reduce';
}
