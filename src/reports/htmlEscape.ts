/** Text placed in HTML markup or an attribute: the five characters that could break out. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const SCRIPT_UNSAFE = /[<>&\u2028\u2029]/g;
const SCRIPT_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * JSON inside `<script type="application/json">`. Escaping every `<` (and `>`, `&`) as
 * a \u escape keeps `</script` and `<!--` out of the markup whatever a transcript
 * says; U+2028/2029 are escaped for old JavaScript parsers. JSON.parse reads it back
 * unchanged.
 */
export function jsonForScript(value: unknown): string {
  // One pass: the report runs this over every row's transcript.
  return JSON.stringify(value).replace(SCRIPT_UNSAFE, (char) => SCRIPT_ESCAPES[char] as string);
}

/**
 * Script source inlined in a `<script>` element: `</script` would end the element and
 * `<!--` would switch the HTML parser into its script-escape mode. Both can only occur
 * inside string, regex or comment text, where `<\/` and `<\!` mean the same.
 */
export function inlineScriptSource(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replaceAll('<!--', '<\\!--');
}
