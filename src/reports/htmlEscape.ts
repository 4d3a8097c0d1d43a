/** Text placed in HTML markup or an attribute: the five characters that could break out. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * JSON inside `<script type="application/json">`. Escaping every `<` (and `>`, `&`) as
 * a \u escape keeps `</script` and `<!--` out of the markup whatever a transcript
 * says; U+2028/2029 are escaped for old JavaScript parsers. JSON.parse reads it back
 * unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

/**
 * Script source inlined in a `<script>` element: `</script` would end the element and
 * `<!--` would switch the HTML parser into its script-escape mode. Both can only occur
 * inside string, regex or comment text, where `<\/` and `<\!` mean the same.
 */
export function inlineScriptSource(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replaceAll('<!--', '<\\!--');
}
