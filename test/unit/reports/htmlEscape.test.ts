import { describe, expect, it } from 'vitest';
import { escapeHtml, inlineScriptSource, jsonForScript } from '../../../src/reports/htmlEscape.js';

describe('HTML escaping', () => {
  it('escapes markup and attribute breakers', () => {
    expect(escapeHtml(`<b onclick="x">Tom & 'Jerry'</b>`)).toBe(
      '&lt;b onclick=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;',
    );
  });

  it('keeps </script and <!-- out of JSON data, which still parses back unchanged', () => {
    const value = { text: '</script><script>alert(1)</script><!-- & \u2028 \u2029 -->' };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('neutralizes </script and <!-- inside inlined script source', () => {
    const source = 'var a = "</SCRIPT>"; var b = "<!--";';
    const safe = inlineScriptSource(source);
    expect(safe).not.toMatch(/<\/script|<!--/i);
    // The same program: the escapes mean the same characters inside string literals.
    expect(new Function(`${safe}; return [a, b];`)()).toEqual(['</SCRIPT>', '<!--']);
  });
});
