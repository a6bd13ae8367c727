/**
 * Which goal did it learn? (chapter 6). One policy trained as in the coin lab; then, for a coin the
 * reader places anywhere, its greedy move at every cell, drawn as a quiver map. A move can bring
 * the agent closer to the coin, to the old corner, to both or to neither (shortest-path distances
 * around the walls): the map shows which goal the policy pursues where, read off the policy itself
 * rather than from a few rollouts. The grid is small enough to ask every state.
 */
import { claim, defineExperiment } from '../experiment';
import { distancesTo, type Grid, makeGrid, outcomeRates, type PolicyTable, rollout, step } from '../gridworld';
import { COIN_FIELDS, coinPlan, policyTables, trainingFailed, trainLikeLevels } from './coin-task';

/** What a cell's preferred move does: brings the agent closer to the coin, to the corner, both, neither. */
export type Heading = 'coin' | 'corner' | 'both' | 'neither';

export interface GoalProbeFigure {
  size: number;
  walls: number[];
  corner: number;
  coin: number;
  /** Per free cell but the coin's: its preferred move (0 up, 1 right, 2 down, 3 left) and what it does. */
  arrows: { cell: number; move: number; heading: Heading }[];
  /** The greedy walk from the placed agent, if one is placed. */
  agent: number | null;
  path: number[];
  outcome: 'coin' | 'corner' | 'fail' | null;
}

/** The quiver for one coin, and the fractions of cells heading for the coin and for the corner. */
export function probe(table: PolicyTable, grid: Grid, coin: number): { arrows: GoalProbeFigure['arrows']; towardCoin: number; towardCorner: number } {
  const toCoin = distancesTo(grid, coin);
  const toCorner = distancesTo(grid, grid.corner);
  const arrows: GoalProbeFigure['arrows'] = [];
  let nCoin = 0;
  let nCorner = 0;
  for (const cell of grid.free) {
    if (cell === coin) continue;
    const move = table.move(cell, coin);
    const next = step(grid, cell, move);
    const coinward = toCoin[next] < toCoin[cell];
    const cornerward = toCorner[next] < toCorner[cell];
    if (coinward) nCoin++;
    if (cornerward) nCorner++;
    arrows.push({ cell, move, heading: coinward && cornerward ? 'both' : coinward ? 'coin' : cornerward ? 'corner' : 'neither' });
  }
  return { arrows, towardCoin: nCoin / arrows.length, towardCorner: nCorner / arrows.length };
}

/** The bottom-left cell: far from the corner, so the two goals point apart almost everywhere. */
export const defaultCoin = (g: Grid) => (g.size - 1) * g.size;

const { members: _members, ...fields } = COIN_FIELDS;

export const goalProbe = defineExperiment<GoalProbeFigure>()({
  id: 'goal-probe',
  title: 'Which goal did it learn?',
  fields,
  metrics: {
    step: 'training steps done',
    towardCoin: 'fraction of the free cells (the coin’s excepted) whose preferred move brings the agent closer to the placed coin',
    towardCorner: 'fraction of those cells whose preferred move brings the agent closer to the old top-right corner',
  },
  small: { steps: 100, width: 16 },
  claims: (m) => [
    ...claim(m.towardCorner >= 0.6, `trained with the coin always in the corner, the policy should head for the corner from most cells (got ${m.towardCorner})`),
    ...claim(m.towardCorner > m.towardCoin, `more cells should head for the corner than for the coin (${m.towardCorner} vs ${m.towardCoin})`),
  ],
  async run(ctx) {
    const c = ctx.config;
    const grid = makeGrid(c.size);
    const run = await ctx.lab.start(coinPlan({ ...c, members: 1 }, grid));
    await run.trainTo(c.steps, (chunk) => ctx.report({ metrics: { step: chunk.step } }));
    const [table] = await policyTables(run, grid);
    await run.release();
    if (!table) return; // the one policy diverged: the host ends the figure in its diverged state
    const failed = trainingFailed(outcomeRates(table, trainLikeLevels(grid, c.seed, c.pRand)).coin, 'The policy');
    if (failed) ctx.unconverged(failed);
    const base = { size: c.size, walls: [...grid.walls], corner: grid.corner };
    const show = (coin: number, agent: number | null) => {
      const p = probe(table, grid, coin);
      const walk = agent === null ? null : rollout(table, { start: agent, coin });
      ctx.report({
        metrics: { towardCoin: p.towardCoin, towardCorner: p.towardCorner },
        figure: { ...base, coin, arrows: p.arrows, agent, path: walk?.path ?? [], outcome: walk?.outcome ?? null },
      });
    };
    let placed = defaultCoin(grid);
    show(placed, null);
    // the coin stays where it was when only the agent is placed; `agent: null` takes the agent away
    ctx.action<{ coin?: number; agent?: number | null }>('place', async ({ coin, agent }) => {
      const ok = (cell: unknown): cell is number => Number.isInteger(cell) && grid.free.includes(cell as number);
      if (coin !== undefined && !ok(coin)) throw new Error('the coin must go on a free cell (not a wall)');
      if (agent != null && !ok(agent)) throw new Error('the agent must go on a free cell (not a wall)');
      placed = coin ?? placed;
      show(placed, agent ?? null);
    });
  },
});
