import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCommitter } from './group-commit.ts';

test('writes within the window share one commit', async () => {
  const commits: number[][] = [];
  const g = new GroupCommitter<number>({ windowMs: 5, commit: async (items) => {
      commits.push(items);
      return undefined;
    },
  });
  await Promise.all([g.write(1), g.write(2), g.write(3)]);
  assert.deepEqual(commits, [[1, 2, 3]]);
  assert.equal(g.items, 3);
});

test('a commit that settles items itself: each write gets its own outcome, no retry', async () => {
  let calls = 0;
  const g = new GroupCommitter<number>({
    windowMs: 5,
    commit: async (items) => {
      calls++;
      return items.map((i) => (i === 2 ? new Error('bad 2') : undefined));
    },
  });
  const r = await Promise.allSettled([g.write(1), g.write(2), g.write(3)]);
  assert.deepEqual(r.map((x) => x.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.equal(calls, 1);
  assert.equal(g.items, 2);
});

test('a commit that throws: each item is retried on its own', async () => {
  const g = new GroupCommitter<number>({
    windowMs: 5,
    commit: async (items) => {
      if (items.includes(2)) throw new Error('bad');
      return undefined;
    },
  });
  const r = await Promise.allSettled([g.write(1), g.write(2), g.write(3)]);
  assert.deepEqual(r.map((x) => x.status), ['fulfilled', 'rejected', 'fulfilled']);
});

test('overlap: a commit starts while an earlier one still runs (a committer that queues by itself)', async () => {
  for (const overlap of [false, true]) {
    const started: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const g = new GroupCommitter<number>({
      windowMs: 1,
      overlap,
      commit: async (items) => {
        started.push(items);
        if (items.includes(1)) await gate;
        return undefined;
      },
    });
    const first = g.write(1);
    await new Promise((r) => setTimeout(r, 20));
    const second = g.write(2);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(started, overlap ? [[1], [2]] : [[1]], overlap ? 'the second commit did not wait' : 'the second commit waits for the first');
    release();
    await Promise.all([first, second]);
    await g.close();
    assert.deepEqual(started, [[1], [2]]);
  }
});
