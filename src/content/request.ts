// Validates the JSON body of POST /v1/content/check into a ContentInput. Either `raw` (a
// complete MIME message as a string) or the parts of a send request; unknown fields are
// rejected so typos ("htmlPart") fail loudly instead of checking an empty message.
import { ValidationError } from '../core/errors.ts';
import type { AttachmentInfo, ContentInput, PartsContentInput } from './types.ts';

const PART_FIELDS = new Set(['subject', 'text', 'html', 'from', 'replyTo', 'headers', 'stream', 'attachments']);
const MAX_BODY = 40 * 1024 * 1024;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(body: Record<string, unknown>, key: string, max: number): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ValidationError(`${key} must be a string`, { field: key });
  if (v.length > max) throw new ValidationError(`${key} is longer than ${max} characters`, { field: key });
  return v;
}

function stream(v: unknown): 'transactional' | 'marketing' | undefined {
  if (v === undefined) return undefined;
  if (v !== 'transactional' && v !== 'marketing') throw new ValidationError('stream must be "transactional" or "marketing"', { field: 'stream' });
  return v;
}

export function parseContentCheckRequest(body: unknown): ContentInput {
  if (!isObject(body)) throw new ValidationError('request body must be a JSON object');
  if ('raw' in body) {
    for (const k of Object.keys(body)) {
      if (k !== 'raw' && k !== 'stream') throw new ValidationError(`field ${k} cannot be combined with raw (send either raw MIME or the parts)`, { field: k });
    }
    const raw = str(body, 'raw', MAX_BODY);
    if (!raw) throw new ValidationError('raw must be a non-empty MIME message', { field: 'raw' });
    return { raw, stream: stream(body.stream) };
  }
  for (const k of Object.keys(body)) {
    if (!PART_FIELDS.has(k)) throw new ValidationError(`unknown field ${k}`, { field: k });
  }
  const out: PartsContentInput = {
    subject: str(body, 'subject', 2000),
    text: str(body, 'text', MAX_BODY),
    html: str(body, 'html', MAX_BODY),
    from: str(body, 'from', 1000),
    replyTo: str(body, 'replyTo', 1000),
    stream: stream(body.stream),
  };
  if (out.subject === undefined && out.text === undefined && out.html === undefined) {
    throw new ValidationError('give raw, or at least one of subject, text, html');
  }
  if (body.headers !== undefined) {
    if (!isObject(body.headers)) throw new ValidationError('headers must be an object of strings', { field: 'headers' });
    const entries = Object.entries(body.headers);
    if (entries.length > 200) throw new ValidationError('at most 200 headers', { field: 'headers' });
    const headers: Record<string, string> = {};
    for (const [k, v] of entries) {
      if (!/^[!-9;-~]+$/.test(k)) throw new ValidationError(`header name ${JSON.stringify(k)} is invalid`, { field: `headers.${k}` });
      if (typeof v !== 'string' || v.length > 10_000) throw new ValidationError(`header ${k} must be a string of at most 10000 characters`, { field: `headers.${k}` });
      headers[k] = v;
    }
    out.headers = headers;
  }
  if (body.attachments !== undefined) {
    if (!Array.isArray(body.attachments) || body.attachments.length > 100) throw new ValidationError('attachments must be an array of at most 100 items', { field: 'attachments' });
    out.attachments = body.attachments.map((a, i): AttachmentInfo => {
      const where = `attachments[${i}]`;
      if (!isObject(a)) throw new ValidationError(`${where} must be an object`, { field: where });
      for (const k of Object.keys(a)) if (k !== 'filename' && k !== 'contentType' && k !== 'size') throw new ValidationError(`unknown field ${where}.${k}`, { field: `${where}.${k}` });
      if (typeof a.filename !== 'string' || a.filename.length > 500) throw new ValidationError(`${where}.filename must be a string`, { field: `${where}.filename` });
      if (typeof a.contentType !== 'string' || !/^[\w.+-]+\/[\w.+-]+/.test(a.contentType)) throw new ValidationError(`${where}.contentType must be a MIME type`, { field: `${where}.contentType` });
      if (typeof a.size !== 'number' || !Number.isInteger(a.size) || a.size < 0) throw new ValidationError(`${where}.size must be a non-negative integer`, { field: `${where}.size` });
      return { filename: a.filename, contentType: a.contentType, size: a.size };
    });
  }
  return out;
}
