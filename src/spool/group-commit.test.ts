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
