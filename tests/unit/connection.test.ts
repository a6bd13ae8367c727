/**
 * The main-thread side of the worker, against a fake worker: every action settles — with the
 * worker's answer, or rejected when the run is stopped, fails, diverges, or the worker dies.
 */
import { describe, expect, it } from 'vitest';
import { Connection, RequestFailed, type WorkerLike } from '../../src/runtime/connection';
import type { FromWorker, ToWorker } from '../../src/runtime/protocol';

class FakeWorker implements WorkerLike {
  sent: ToWorker[] = [];
  onmessage: ((ev: { data: FromWorker }) => void) | null = null;
  onerror: ((ev: { message?: string }) => void) | null = null;
  postMessage(m: ToWorker) {
    this.sent.push(m);
  }
  reply(m: FromWorker) {
    this.onmessage?.({ data: m });
  }
  last<T extends ToWorker['type']>(type: T) {
    return this.sent.filter((m) => m.type === type).at(-1) as Extract<ToWorker, { type: T }>;
  }
}

function setup() {
  const w = new FakeWorker();
  const conn = new Connection(() => w);
  const got: FromWorker[] = [];
  const h = conn.run({ experiment: 'x', config: {}, backend: 'wasm', speed: 2 }, (m) => got.push(m));
  return { w, conn, h, got };
}

describe('Connection', () => {
  it('routes an action answer to its request: resolved, or rejected with the worker message', async () => {
    const { w, h } = setup();
    const ok = h.action('select', { member: 1 });
    w.reply({ type: 'settled', runId: h.runId, requestId: w.last('action').requestId });
    await expect(ok).resolves.toBeUndefined();
    const bad = h.action('plane', { set: 'nowhere' });
    w.reply({ type: 'settled', runId: h.runId, requestId: w.last('action').requestId, error: 'no dataset named "nowhere"' });
    await expect(bad).rejects.toThrow('no dataset named "nowhere"');
  });

  it('stop rejects open requests, tells the worker, and drops later replies', async () => {
    const { w, h, got } = setup();
    const open = h.action('select', {});
    h.stop();
    await expect(open).rejects.toThrow(/stopped/);
    expect(w.last('stop').runId).toBe(h.runId);
    w.reply({ type: 'report', runId: h.runId, progress: 1, metrics: {}, figure: {} });
    expect(got).toEqual([]);
    await expect(h.action('select', {})).rejects.toBeInstanceOf(RequestFailed);
  });

  it('an error or divergence of the run rejects open requests with the reason', async () => {
    const a = setup();
    const open = a.h.action('select', {});
    a.w.reply({ type: 'error', runId: a.h.runId, message: 'kaput' });
    await expect(open).rejects.toThrow('kaput');
    expect(a.got.map((m) => m.type)).toEqual(['error']);
    const b = setup();
    const open2 = b.h.action('select', {});
    b.w.reply({ type: 'diverged', runId: b.h.runId, step: 10, members: [0], message: 'diverged' });
    await expect(open2).rejects.toThrow(/diverged/);
  });

  it('a dead worker fails every run and request, and later runs at once', async () => {
    const { w, conn, h, got } = setup();
    const open = h.action('select', {});
    w.onerror?.({ message: 'out of memory' });
    await expect(open).rejects.toThrow(/training worker failed \(out of memory\)/);
    expect(got[0]).toMatchObject({ type: 'error', message: expect.stringMatching(/out of memory/) });
    const later: FromWorker[] = [];
    conn.run({ experiment: 'x', config: {}, backend: 'wasm', speed: 2 }, (m) => later.push(m));
    await Promise.resolve();
    expect(later[0]).toMatchObject({ type: 'error' });
  });

  it('warm starts the worker with one message per page, and none once it has died', () => {
    const w = new FakeWorker();
    const conn = new Connection(() => w);
    conn.warm('wasm');
    conn.warm('auto');
    expect(w.sent).toEqual([{ type: 'warm', runId: 0, backend: 'wasm' }]);
    const dead = new FakeWorker();
    const gone = new Connection(() => dead);
    gone.run({ experiment: 'x', config: {}, backend: 'wasm', speed: 2 }, () => undefined);
    dead.onerror?.({ message: 'crashed' });
    gone.warm('wasm');
    expect(dead.sent.map((m) => m.type)).toEqual(['run']);
  });

  it('replies for another run never reach this one', () => {
    const { w, h, got } = setup();
    w.reply({ type: 'report', runId: h.runId + 99, progress: 0, metrics: {}, figure: {} });
    expect(got).toEqual([]);
  });
});
