/**
 * The reader tools' pure parts: figures found in chapter sources, presets checked against the
 * figures' fields, wiki pages grouped and titled, the changelog assembled, the build's identity,
 * and section ids that survive a renamed heading.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import rehypeStringify from 'rehype-stringify';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { EXPERIMENTS } from '../../src/engine/experiments';
import { answerText, tally } from '../../src/lib/book-progress';
import { buildInfo } from '../../src/lib/build-info';
import { changeErrors, chapterChangelog, lastChangeBySection, lastChanged, parseGitLog } from '../../src/lib/changelog';
import { choiceOptionTexts, exerciseIdsOf, exerciseKind, sectionsOf } from '../../src/lib/chapters';
import { COMPONENT_WIDGETS, WIDGET_TABLES } from '../../src/lib/figure-registry';
import { componentWidgetIds, defaultsLink, figuresOf, presetErrors, presetLink, type Preset } from '../../src/lib/figures';
import { decodeConfig } from '../../src/lib/permalink';
import { groupByWiki, resolveWikiBase, wikiTitle, wikiUrl } from '../../src/lib/wiki';
import { rehypeHeadingExtras, remarkStableHeadings } from '../../src/markdown/stable-headings.mjs';
import pkg from '../../package.json';

const DIR = new URL('../../content/chapters/', import.meta.url);
const files = readdirSync(DIR).filter((f) => f.endsWith('.mdx'));
const source = (f: string) => readFileSync(new URL(f, DIR), 'utf8');
const frontmatter = (f: string) => load(/^---\n([\s\S]*?)\n---/.exec(source(f))![1]) as { presets?: Preset[]; changes?: { date: string; sections?: string[]; note: string }[] };

describe('figures in chapter sources', () => {
  it('maps each view component to the widget its LiveRun runs, read from the view', () => {
    expect(componentWidgetIds({ 'x/Foo/Foo.svelte': 'const live = new LiveRun(fooExp);', 'x/Bar/Bar.svelte': 'no run here' }, { fooExp: 'foo-widget' })).toEqual({ Foo: 'foo-widget' });
    expect(COMPONENT_WIDGETS.CoinLab).toBe('coin-lab');
    expect(COMPONENT_WIDGETS.FreeEnergy).toBe('free-energy');
    // every experiment has a view that runs it
    expect(new Set(Object.values(COMPONENT_WIDGETS))).toEqual(new Set(Object.keys(EXPERIMENTS)));
  });

  it('finds hydrated figures with the section above them, skipping code fences and other components', () => {
    const body = '<Foo client:visible />\n## One [#one]\n```\n<Foo client:visible />\n```\nText <Foo client:visible /> and <Other client:load />\n### Two [#two]\n<Exercise id="x" kind="choice">\n<Foo client:idle/>';
    expect(figuresOf(body, { Foo: 'foo' })).toEqual([
      { widget: 'foo', component: 'Foo', section: '' },
      { widget: 'foo', component: 'Foo', section: 'one' },
      { widget: 'foo', component: 'Foo', section: 'two' },
    ]);
  });

  it('finds every figure of every chapter, each in a section of its chapter', () => {
    let count = 0;
    for (const f of files) {
      const figs = figuresOf(source(f), COMPONENT_WIDGETS);
      const ids = sectionsOf(source(f)).map((s) => s.id);
      for (const fig of figs) expect(ids, `${f}: ${fig.widget}`).toContain(fig.section);
      count += figs.length;
    }
    const tags = files.flatMap((f) => [...source(f).matchAll(/^<[A-Z]\w* client:/gm)]).length;
    expect(count).toBe(tags);
    expect(figuresOf(source('06-goal-misgeneralization.mdx'), COMPONENT_WIDGETS).find((f) => f.widget === 'coin-lab')?.section).toBe('coin-in-the-corner');
  });
});

describe('presets', () => {
  const figs = [{ widget: 'coin-lab', component: 'CoinLab', section: 's' }];
  const check = (settings: Preset['settings'], widget = 'coin-lab') => presetErrors('ch', [{ widget, label: 'P', settings }], figs, WIDGET_TABLES);

  it('accepts settings within the fields, the seed included', () => {
    expect(check({ pRand: 0.1, size: 9, algo: 'pg', seed: 3 })).toEqual([]);
  });

  it('rejects an unknown widget, a widget not in the chapter, an unknown setting, a value out of range or of the wrong type', () => {
    expect(check({ x: 1 }, 'no-such-figure')[0]).toMatch(/widget "no-such-figure", which is not a figure/);
    expect(check({ lr: 0.1 }, 'grokking')[0]).toMatch(/not in this chapter/);
    expect(check({ probability: 0.1 })[0]).toMatch(/no setting "probability"/);
    expect(check({ pRand: 1.5 })[0]).toMatch(/pRand: 1.5 is outside 0–1/);
    expect(check({ size: 7.5 })[0]).toMatch(/size: "7.5" is not a whole number/);
    expect(check({ algo: 'ppo' })[0]).toMatch(/algo: "ppo" is not one of bc, pg/);
    expect(check({ pRand: '0.1' })[0]).toMatch(/must be a number/);
    expect(check({})[0]).toMatch(/sets nothing/);
    expect(check({ constructor: 1 })[0]).toMatch(/no setting "constructor"/);
  });

  it("every chapter's presets are sound, and there are some in each chapter", () => {
    for (const f of files) {
      const presets = frontmatter(f).presets ?? [];
      expect(presets.length, f).toBeGreaterThan(0);
      expect(presetErrors(f, presets, figuresOf(source(f), COMPONENT_WIDGETS), WIDGET_TABLES)).toEqual([]);
    }
  });

  it('preset and defaults links decode to the intended settings, with no rejected field', () => {
    const url = 'https://book.example/chapters/goal-misgeneralization/';
    const link = new URL(presetLink(url, { widget: 'coin-lab', label: 'P', settings: { pRand: 0.1, algo: 'pg' } }));
    expect(link.hash).toBe('#coin-lab');
    const d = decodeConfig('coin-lab', WIDGET_TABLES['coin-lab'], link.search);
    expect(d.errors).toEqual([]);
    expect(d.config).toMatchObject({ pRand: 0.1, algo: 'pg', size: 7 });
    const def = decodeConfig('coin-lab', WIDGET_TABLES['coin-lab'], new URL(defaultsLink(url, 'coin-lab', WIDGET_TABLES['coin-lab'])).search);
    expect(def.errors).toEqual([]);
    expect(def.config).toMatchObject({ pRand: 0, size: 7, algo: 'bc', seed: 1 });
    expect(new URL(presetLink(url, { widget: 'hundred-seeds', label: 'P', settings: { varyInit: false } })).search).toBe('?hundred-seeds.varyInit=0');
  });
});

describe('wiki pages', () => {
  it('titles slugs readably', () => {
    expect(wikiTitle('outer-vs-inner-alignment')).toBe('Outer vs Inner Alignment');
    expect(wikiTitle('ai-safety-atlas-textbook')).toBe('AI Safety Atlas Textbook');
    expect(wikiTitle('learning-dynamics-and-developmental-interpretability')).toBe('Learning Dynamics and Developmental Interpretability');
    expect(wikiTitle('atlas-ch7-goal-misgeneralization-01-learning-dynamics')).toBe('Atlas Ch7 Goal Misgeneralization 01 Learning Dynamics');
  });

  it('groups chapters under each of their slugs, in book order', () => {
    const groups = groupByWiki([
      { order: 2, wiki: ['b', 'a'], n: 'two' },
      { order: 1, wiki: ['a'], n: 'one' },
      { order: 3, wiki: [], n: 'three' },
    ]);
    expect(groups.map((g) => [g.slug, g.chapters.map((c) => c.n)])).toEqual([['a', ['one', 'two']], ['b', ['two']]]);
  });

  it('takes the base URL from the environment, ending it in a slash, and refuses a bad one', () => {
    expect(resolveWikiBase(undefined, 'https://wiki.example.org/')).toBe('https://wiki.example.org/');
    expect(resolveWikiBase('https://w.example/wiki', 'https://x/')).toBe('https://w.example/wiki/');
    expect(resolveWikiBase('  ', 'https://x.example/')).toBe('https://x.example/');
    expect(() => resolveWikiBase('not a url', 'https://x/')).toThrow(/WIKI_BASE_URL "not a url" is not a URL/);
    expect(() => resolveWikiBase('javascript:alert(1)', 'https://x/')).toThrow(/http\(s\)/);
    expect(wikiUrl('https://w.example/wiki/', 'goal-misgeneralization')).toBe('https://w.example/wiki/goal-misgeneralization');
  });
});

describe('changelog', () => {
  const log = 'abc1234\t2026-12-07\tch1: a fix\tmore\nnot a commit line\ndef5678\t2026-11-26\tfirst version\n';

  it('reads git log lines and skips malformed ones', () => {
    expect(parseGitLog(log)).toEqual([
      { hash: 'abc1234', date: '2026-12-07', subject: 'ch1: a fix\tmore' },
      { hash: 'def5678', date: '2026-11-26', subject: 'first version' },
    ]);
    expect(parseGitLog('')).toEqual([]);
  });

  it('merges declared changes and commits newest first, declared first on a date', () => {
    const entries = chapterChangelog([{ date: '2026-12-07', sections: ['s1'], note: 'declared' }, { date: '2026-12-01', note: 'older' }], parseGitLog(log));
    expect(entries.map((e) => `${e.date} ${e.source} ${e.note}`)).toEqual([
      '2026-12-07 chapter declared',
      '2026-12-07 history ch1: a fix\tmore',
      '2026-12-01 chapter older',
      '2026-11-26 history first version',
    ]);
    expect(lastChanged(entries)).toBe('2026-12-07');
    expect(lastChanged([])).toBeNull();
    expect(lastChangeBySection([{ date: '2026-01-02', sections: ['a'], note: 'x' }, { date: '2026-03-04', sections: ['a', 'b'], note: 'y' }])).toEqual({ a: '2026-03-04', b: '2026-03-04' });
  });

  it('rejects a change naming a missing section or an impossible date', () => {
    expect(changeErrors('ch', [{ date: '2026-12-07', sections: ['gone'], note: 'n' }], ['here'])[0]).toMatch(/names section "gone", which this chapter does not have/);
    expect(changeErrors('ch', [{ date: '2026-02-30', note: 'n' }], [])[0]).toMatch(/not a calendar day/);
    expect(changeErrors('ch', [{ date: '2026-02-28', sections: ['here'], note: 'n' }], ['here'])).toEqual([]);
  });

  it("every chapter's declared changes name its own sections", () => {
    for (const f of files) {
      const changes = frontmatter(f).changes ?? [];
      expect(changes.length, f).toBeGreaterThan(0);
      expect(changeErrors(f, changes, sectionsOf(source(f)).map((s) => s.id))).toEqual([]);
    }
  });
});

describe('build information and saved answers', () => {
  it('gives the version, the day and a commit, or no commit without git', () => {
    expect(buildInfo(new Date('2026-12-07T23:59:00Z'), 'abc1234')).toEqual({ version: pkg.version, date: '2026-12-07', commit: 'abc1234' });
    expect(buildInfo(new Date('2026-12-07T00:00:00Z'), null).commit).toBeNull();
    expect(buildInfo(new Date(), 'fatal: not a git repository').commit).toBeNull();
  });

  it("words the reader's saved answer for each kind of exercise", () => {
    const rec = { chapter: 'c', attempts: 1, correct: false, updated: '' };
    expect(answerText('choice', undefined)).toBeNull();
    expect(answerText('choice', { ...rec, answer: 2 })).toBe('Option 3');
    expect(answerText('choice', { ...rec, answer: 1, saved: { choice: 1 } }, ['no', 'yes'])).toBe('yes');
    expect(answerText('numeric', { ...rec, answer: 1.2, saved: { typed: '1,2 pp' } })).toBe('1,2 pp');
    expect(answerText('predict', { ...rec, saved: { prediction: { value: 0.4, typed: '0.4', settings: {}, committed: '', actual: 0.38 } } })).toBe('Predicted 0.4; the run gave 0.38');
    expect(answerText('predict', { ...rec, saved: { prediction: { value: 0.4, typed: '', settings: {}, committed: '' } } })).toBe('Predicted 0.4 (not yet run)');
    expect(tally(['done', 'attempted', 'none', 'done'])).toEqual({ done: 2, attempted: 1, total: 4 });
  });
});

describe("a choice exercise's options, read from the chapter source", () => {
  it('reads each text in order, past brackets and quotes inside the strings, and never a later exercise\'s', () => {
    const body = [
      '<Exercise id="n" kind="numeric" answer={2}>How many?</Exercise>',
      "<Exercise id=\"c\" kind=\"choice\" options={[",
      "  { text: 'It\\'s [1, 2]', why: 'a ] here' },",
      "  { text: \"b > a\", correct: true, why: 'x' },",
      ']}>Which?</Exercise>',
    ].join('\n');
    expect(choiceOptionTexts(body, 'c')).toEqual(["It's [1, 2]", 'b > a']);
    expect(choiceOptionTexts(body, 'n')).toEqual([]);
    expect(choiceOptionTexts(body, 'missing')).toEqual([]);
    expect([exerciseKind(body, 'c'), exerciseKind(body, 'n'), exerciseKind(body, 'missing')]).toEqual(['choice', 'numeric', undefined]);
  });

  it('finds two or more options for every choice exercise in the book', () => {
    const dir = new URL('../../content/chapters/', import.meta.url);
    let seen = 0;
    for (const f of readdirSync(dir)) {
      const body = readFileSync(new URL(f, dir), 'utf8');
      for (const id of exerciseIdsOf(body)) {
        if (exerciseKind(body, id) !== 'choice') continue;
        const texts = choiceOptionTexts(body, id);
        expect(texts.length, id).toBeGreaterThanOrEqual(2);
        for (const t of texts) expect(t.length, id).toBeGreaterThan(10);
        seen++;
      }
    }
    expect(seen).toBe(14);
  });
});

describe('a renamed heading keeps its links', () => {
  const render = (md: string) =>
    String(unified().use(remarkParse).use(remarkStableHeadings).use(remarkRehype).use(rehypeHeadingExtras).use(rehypeStringify).processSync({ value: md, path: 'ch.mdx' }));

  it('keeps the id when the title changes, and renders each old id as an anchor in the heading', () => {
    const before = render('## Training is a search [#training-is-search]\n');
    const after = render('## Searches have paths [#training-is-search ~search-paths ~old-search]\n');
    expect(before).toMatch(/<h2 id="training-is-search">Training is a search/);
    expect(after).toMatch(/<h2 id="training-is-search">/);
    expect(after).toContain('Searches have paths');
    expect(after.match(/id="search-paths"/g)).toHaveLength(1);
    expect(after).toMatch(/<span id="old-search" class="alias-anchor" data-alias-of="training-is-search"><\/span>/);
    // the section list wiki editors read sees the same id and old ids
    expect(sectionsOf('## Searches have paths [#training-is-search ~search-paths ~old-search]')).toEqual([
      { depth: 2, id: 'training-is-search', aliases: ['search-paths', 'old-search'], title: 'Searches have paths' },
    ]);
  });

  it('fails when an old id collides with another section id', () => {
    expect(() => render('## A [#a]\n\n## B [#b ~a]\n')).toThrow(/"a" is used twice/);
  });
});
