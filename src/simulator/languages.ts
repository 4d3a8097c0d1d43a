/**
 * Languages start-call accepts. The reference only says "language code (e.g.
 * sv/en/de) ... normalized aliases supported", so the simulator accepts ISO 639-1
 * codes the AI plausibly speaks, BCP 47 tags (en-US -> en) and common names in
 * English or the language itself (svenska -> sv).
 */
export const DEFAULT_LANGUAGE = 'sv';

// ISO 639-1 codes.
const CODES = (
  'sv en de fr es it nl no da fi pl pt is et lv lt cs sk hu ro bg hr ' +
  'sr sl el tr ru uk ar he fa hi ur bn zh ja ko th vi id ms tl sw'
).split(' ');

const NAMES: Record<string, string> = {
  swedish: 'sv',
  svenska: 'sv',
  english: 'en',
  german: 'de',
  deutsch: 'de',
  french: 'fr',
  francais: 'fr',
  français: 'fr',
  spanish: 'es',
  espanol: 'es',
  español: 'es',
  italian: 'it',
  italiano: 'it',
  dutch: 'nl',
  nederlands: 'nl',
  norwegian: 'no',
  norsk: 'no',
  bokmal: 'no',
  bokmål: 'no',
  nb: 'no',
  nn: 'no',
  danish: 'da',
  dansk: 'da',
  finnish: 'fi',
  suomi: 'fi',
  polish: 'pl',
  polski: 'pl',
  portuguese: 'pt',
  português: 'pt',
  portugues: 'pt',
  icelandic: 'is',
  greek: 'el',
  turkish: 'tr',
  russian: 'ru',
  ukrainian: 'uk',
  arabic: 'ar',
  hebrew: 'he',
  persian: 'fa',
  farsi: 'fa',
  hindi: 'hi',
  chinese: 'zh',
  mandarin: 'zh',
  japanese: 'ja',
  korean: 'ko',
  thai: 'th',
  vietnamese: 'vi',
  indonesian: 'id',
  czech: 'cs',
  hungarian: 'hu',
  romanian: 'ro',
};

const KNOWN = new Set<string>(CODES);

/** The canonical code for `input`, or undefined when the language is not supported. */
export function normalizeLanguage(input: string): string | undefined {
  const value = input.trim().toLowerCase();
  if (value === '') return undefined;
  const named = NAMES[value];
  if (named) return named;
  const primary = value.split(/[-_]/)[0] ?? '';
  const aliased = NAMES[primary] ?? primary;
  return KNOWN.has(aliased) ? aliased : undefined;
}
