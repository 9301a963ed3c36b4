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
  const outcomes: DraftOutcome[] = [];
  for (const d of drafts) {
    try {
      for (const s of steps) await s.run(d, ctx);
      outcomes.push({ ok: true, draft: d });
    } catch (err) {
      if (err instanceof IntakeRejection) outcomes.push({ ok: false, rejection: err });
      else throw err;
    }
  }
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
