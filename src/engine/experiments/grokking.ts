/**
 * Grokking live (Power et al. 2022; Nanda et al. 2023): a network learns modular addition
 * a + b mod p from half of the p² pairs (grokking-task.ts). Training accuracy is perfect within
 * tens of steps — the network has memorized its pairs — while the held-out accuracy stays at
 * chance; hundreds of steps later, under weight decay, the test accuracy jumps to ~1: the network
 * has found an algorithm that generalizes. Without weight decay it never does within the run.
 * Drawn on a log-step axis: train and test accuracy and loss, the weight norm beside them.
 */
import { claim, defineExperiment } from '../experiment';
import {
  firstStepAtLeast,
  GROKKING_FIELDS,
  GROKKING_SMALL,
  GROKKING_STEP_METRICS,
  type GrokTrace,
  splitTrainingData,
  TEST_THRESHOLD,
  TRAIN_THRESHOLD,
  trainGrokking,
} from './grokking-task';

export interface GrokkingFigure extends GrokTrace {
  /** First measured step with train accuracy ≥ 0.99 / test accuracy ≥ 0.95; −1 until (or unless) reached. */
  stepTrain99: number;
  stepTest95: number;
  /** Chance accuracy, 1/p. */
  chance: number;
  /** The run's last step (the x axis' end, known from the start). */
  totalSteps: number;
}

export const grokking = defineExperiment<GrokkingFigure>()({
  id: 'grokking',
  title: 'Grokking live',
  fields: GROKKING_FIELDS,
  metrics: {
    trainAccFinal: 'training accuracy at the last step',
    ...GROKKING_STEP_METRICS,
    weightNormFinal: 'the Euclidean norm of all the network’s weights at the last step',
  },
  small: GROKKING_SMALL,
  trainingData: (c) => splitTrainingData(c),
  claims: (m) => [
    ...claim(m.stepTrain99 >= 0 && m.trainAccFinal >= 0.99, `the network should memorize its training pairs (train accuracy ≥ 0.99 first at step ${m.stepTrain99})`),
    ...claim(m.stepTest95 > 0 && m.testAccFinal >= 0.95, `the held-out accuracy should pass 0.95 within the run (first at step ${m.stepTest95}, final ${m.testAccFinal})`),
    ...claim(m.stepTrain99 >= 0 && m.stepTest95 >= 5 * m.stepTrain99, `generalization (step ${m.stepTest95}) should come long after memorization (step ${m.stepTrain99})`),
  ],
  async run(ctx) {
    const c = ctx.config;
    const chance = 1 / c.p;
    let stepTrain99 = -1;
    let stepTest95 = -1;
    const result = await trainGrokking(ctx.lab, c, {
      onMeasure: (trace, mm) => {
        stepTrain99 = firstStepAtLeast(trace.steps, trace.trainAcc, TRAIN_THRESHOLD);
        stepTest95 = firstStepAtLeast(trace.steps, trace.testAcc, TEST_THRESHOLD);
        ctx.report({
          metrics: { trainAccFinal: mm.trainAcc, testAccFinal: mm.testAcc, stepTrain99, stepTest95, weightNormFinal: mm.weightNorm },
          figure: { ...trace, stepTrain99, stepTest95, chance, totalSteps: c.steps },
        });
      },
    });
    await result.run.release();
  },
});
