import { ValidationError } from '../core/errors.ts';
import { nextId } from '../core/ids.ts';
import type { Store } from './database.ts';

export interface Template {
  id: number;
  name: string;
  subject: string | null;
  textPart: string | null;
  htmlPart: string | null;
  createdAt: number;
  updatedAt: number;
}

function toTemplate(r: any): Template {
  return {
    id: Number(r.id),
    name: r.name,
    subject: r.subject,
    textPart: r.text_part,
    htmlPart: r.html_part,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export async function createTemplate(
  store: Store,
  tenantId: number,
  t: { name: string; subject?: string | null; textPart?: string | null; htmlPart?: string | null },
): Promise<Template> {
  if (!t.textPart && !t.htmlPart) throw new ValidationError('a template needs TextPart or HTMLPart');
  const now = Date.now();
  const row = {
    id: nextId(),
    tenant_id: tenantId,
    name: t.name,
    subject: t.subject ?? null,
    text_part: t.textPart ?? null,
    html_part: t.htmlPart ?? null,
    created_at: now,
    updated_at: now,
  };
  await store.db.insertInto('templates').values(row).execute();
  return toTemplate(row);
}

export async function getTemplate(store: Store, tenantId: number, id: number): Promise<Template | undefined> {
  const r = await store.db.selectFrom('templates').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r ? toTemplate(r) : undefined;
}

export async function listTemplates(store: Store, tenantId: number): Promise<Template[]> {
  return (await store.db.selectFrom('templates').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute()).map(toTemplate);
}
