// The shape of one language's report texts. {matched}, {n} and {detail} are filled in.
import type { RuleId } from '../rules/catalog.ts';
import type { Category } from '../types.ts';

export interface RuleText {
  /** why it matters */
  d: string;
  /** what to do */
  a: string;
}

export interface Texts {
  rules: Record<RuleId, RuleText>;
  /** why wording of this category matters */
  categories: Partial<Record<Category, string>>;
  /** advice for a wording hit with replacements: {matched}, {replacements} */
  replace: string;
  /** advice for a wording hit without replacements */
  remove: string;
  or: string;
  quote: (s: string) => string;
}

export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => (vars[k] === undefined ? `{${k}}` : String(vars[k])));
}
