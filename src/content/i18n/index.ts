import type { Lang } from '../types.ts';
import { deTexts } from './de.ts';
import { enTexts } from './en.ts';
import { esTexts } from './es.ts';
import { frTexts } from './fr.ts';
import { itTexts } from './it.ts';
import { nlTexts } from './nl.ts';
import type { Texts } from './texts.ts';

export const TEXTS: Record<Lang, Texts> = { en: enTexts, nl: nlTexts, de: deTexts, fr: frTexts, es: esTexts, it: itTexts };
export { fill } from './texts.ts';
