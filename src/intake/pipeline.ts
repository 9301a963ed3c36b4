// Runs drafts through the named steps, then writes all the accepted ones to the spool in
// one durable commit. Authentication, validation and idempotency happen before (they
// depend on the transport: HTTP or SMTP); everything after is shared.
import { DEFAULT_STEPS } from './steps.ts';
import { type Draft, type IntakeContext, IntakeRejection, type IntakeStep } from './types.ts';

export type DraftOutcome = { ok: true; draft: Draft } | { ok: false; rejection: IntakeRejection };

export function stepsFor(ctx: IntakeContext): IntakeStep[] {
  const steps = [...DEFAULT_STEPS];
  for (const extra of ctx.extraSteps ?? []) {
    const at = steps.findIndex((s) => s.name === extra.before);
    steps.splice(at < 0 ? steps.length - 1 : at, 0, extra.step);
  }
  return steps;
}

export async function runIntake(drafts: Draft[], ctx: IntakeContext): Promise<DraftOutcome[]> {
  const steps = stepsFor(ctx);
  // Step by step over all drafts (not draft by draft), so that a step can batch its I/O.
  const rejected = new Map<Draft, IntakeRejection>();
  for (const s of steps) {
    const alive = drafts.filter((d) => !rejected.has(d));
    if (alive.length === 0) break;
    if (s.runBatch && alive.length > 1) {
      await s.runBatch(alive, ctx);
      continue;
    }
    for (const d of alive) {
      try {
        await s.run(d, ctx);
      } catch (err) {
        if (err instanceof IntakeRejection) rejected.set(d, err);
        else throw err;
      }
    }
  }
  const outcomes: DraftOutcome[] = drafts.map((d) => (rejected.has(d) ? { ok: false, rejection: rejected.get(d)! } : { ok: true, draft: d }));
  const batches = outcomes.flatMap((o) => (o.ok && o.draft.batch ? [o.draft.batch] : []));
  if (batches.length > 0) {
    // One spool write for the whole request: all its messages become durable together.
    await ctx.spool.write({
      bodies: batches.flatMap((b) => b.bodies),
      messages: batches.flatMap((b) => b.messages),
      events: batches.flatMap((b) => b.events),
    });
  }
  return outcomes;
}
