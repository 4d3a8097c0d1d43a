import { describe, expect, it } from 'vitest';
import { parseTemplate, renderTemplate, TemplateError } from '../../../src/campaign/template.js';

const values = (row: Record<string, string>) => (key: string) => row[key];

describe('parseTemplate', () => {
  it('finds placeholders, trimmed and keyed case-insensitively, with defaults after |', () => {
    const template = parseTemplate("Confirm {{ First_Name | there }}'s visit on {{appointment_date}}");
    expect(template.placeholders).toEqual([
      { name: 'First_Name', key: 'first_name', defaultValue: 'there' },
      { name: 'appointment_date', key: 'appointment_date' },
    ]);
  });

  it('accepts an empty default, which makes the column optional', () => {
    expect(parseTemplate('Hi{{nickname|}}').placeholders[0]).toEqual({
      name: 'nickname',
      key: 'nickname',
      defaultValue: '',
    });
  });

  it.each([
    ['Hi {{first_name', /never closed/],
    ['Hi {{}}', /needs a column name/],
    ['Hi {{|x}}', /needs a column name/],
    ['Hi first_name}}', /no matching/],
  ])('rejects %j', (source, message) => {
    expect(() => parseTemplate(source)).toThrow(TemplateError);
    expect(() => parseTemplate(source)).toThrow(message);
  });
});

describe('renderTemplate', () => {
  const template = parseTemplate("Confirm {{first_name|there}}'s appointment on {{date}} at {{time}}");

  it('fills in values and uses the default only for an empty value', () => {
    expect(renderTemplate(template, values({ first_name: 'Anna', date: '2 March', time: '09:00' }))).toEqual({
      ok: true,
      text: "Confirm Anna's appointment on 2 March at 09:00",
    });
    expect(renderTemplate(template, values({ first_name: '  ', date: '2 March', time: '09:00' }))).toEqual({
      ok: true,
      text: "Confirm there's appointment on 2 March at 09:00",
    });
  });

  it('lists every empty placeholder that has no default', () => {
    const result = renderTemplate(template, values({ first_name: 'Anna', date: '', time: '' }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.missing.map((placeholder) => placeholder.key)).toEqual(['date', 'time']);
  });

  it('collapses line breaks in values so a CSV cell cannot restructure the prompt', () => {
    const result = renderTemplate(parseTemplate('Note: {{note}}.'), values({ note: 'one\r\ntwo\n\nthree' }));
    expect(result).toEqual({ ok: true, text: 'Note: one two three.' });
  });
});
