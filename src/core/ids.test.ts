import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idTime, maxIdAt, nextId } from './ids.ts';

test('ids are safe integers, increase, and encode their time; maxIdAt bounds them', () => {
  const now = Date.UTC(2026, 10, 29, 12);
  const a = nextId(now);
  const b = nextId(now);
  assert.ok(Number.isSafeInteger(a) && b > a);
  assert.equal(idTime(a).getTime(), now);
  assert.ok(a <= maxIdAt(now) && b <= maxIdAt(now));
  assert.ok(maxIdAt(now - 1) < a, 'an id made at `now` is above the bound of the millisecond before');
});
