import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentGateDecision } from './gate.ts';
import type { ContentReport } from './types.ts';

function report(score: number): ContentReport {
  return {
    score,
    threshold: 5,
    rating: Math.max(0, 10 - score),
    verdict: 'ok',
    language: 'en',
    languageConfidence: 1,
    hits: [
      { rule: 'EN_DEAR_FRIEND', category: 'spam_phrase', points: 2, part: 'text', offset: 0, matched: 'Dear Friend', description: 'd', replacements: [] },
      { rule: 'SUBJ_ALL_CAPS', category: 'formatting', points: 1, part: 'subject', offset: 0, matched: 'HELLO', description: 'd', replacements: [] },
      { rule: 'X', category: 'formatting', points: 0, part: 'subject', offset: 0, matched: '', description: 'd', replacements: [] },
    ],
    advice: [],
    errors: [],
    stats: { textChars: 0, htmlBytes: 0, links: 0, images: 0, rawBytes: 0, elapsedMs: 0 },
  };
}

test('gate defaults: marketing blocks above 5, transactional only warns', () => {
  const table: [number, 'marketing' | 'transactional', number | undefined, string][] = [
    [1, 'marketing', undefined, 'pass'],
    [3, 'marketing', undefined, 'warn'],
    [5, 'marketing', undefined, 'warn'],
    [5.1, 'marketing', undefined, 'block'],
    [12, 'transactional', undefined, 'warn'],
    [4, 'transactional', undefined, 'pass'],
    [8, 'transactional', 7, 'block'],
    [6, 'marketing', 8, 'warn'],
  ];
  for (const [score, stream, threshold, want] of table) {
    assert.equal(contentGateDecision(report(score), { stream, threshold }).action, want, `${score} ${stream} ${threshold}`);
  }
});

test('a block names the top hits', () => {
  const d = contentGateDecision(report(9), { stream: 'marketing' });
  assert.equal(d.action, 'block');
  assert.deepEqual(d.topHits.map((h) => h.rule), ['EN_DEAR_FRIEND', 'SUBJ_ALL_CAPS']);
  assert.match(d.message, /EN_DEAR_FRIEND/);
  assert.match(d.message, /9/);
});
