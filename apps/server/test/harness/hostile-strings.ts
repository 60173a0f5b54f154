/**
 * Text that has broken other software: script injection in its usual filter-evasion forms, and
 * strings that trip parsers, keys and renderers. The fuzzer draws from it and the XSS spec
 * (e2e/specs/xss.spec.ts) shows each payload in the browser.
 */

/**
 * Payloads that run `window.__xss = 1` (or `alert`) if a page ever treats them as markup, a URL
 * or a template instead of text. Each is short enough for a note (140 characters).
 */
export const XSS_PAYLOADS = [
  "<script>window.__xss=1</script>",
  "<img src=x onerror=window.__xss=1>",
  '"><svg/onload=window.__xss=1>',
  "<svg onload=alert(1)>",
  "javascript:window.__xss=1",
  "JaVaScRiPt:alert(1)",
  '<a href="javascript:window.__xss=1">click</a>',
  "<ScRiPt>window.__xss=1</sCrIpT>",
  "&lt;script&gt;window.__xss=1&lt;/script&gt;",
  "&#60;img src=x onerror=window.__xss=1&#62;",
  "</textarea><script>window.__xss=1</script>",
  "</title><img src=x onerror=alert(1)>",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the payload is the literal text.
  "${window.__xss=1}",
  "{{constructor.constructor('window.__xss=1')()}}",
  "\\u003cscript\\u003ewindow.__xss=1\\u003c/script\\u003e",
  '<iframe srcdoc="<script>parent.__xss=1</script>">',
  "<details open ontoggle=window.__xss=1>",
  "<body onload=window.__xss=1>",
  "\u202e>tpircs/<1=ssx__.wodniw>tpircs<",
  "abc\u202egpj.exe <b onmouseover=alert(1)>x</b>",
  "'-alert(1)-'",
  "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
  "data:text/html,<script>window.__xss=1</script>",
] as const;

/** Strings that trip keys, parsers and renderers: prototype keys, controls, bidi, odd Unicode. */
export const ODD_STRINGS = [
  "",
  " ",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "null",
  "undefined",
  "NaN",
  "-1",
  "0",
  "1e400",
  "true",
  "[]",
  "{}",
  "\u0000",
  "a\u0000b",
  "\u0007\u0008\u001b[31m",
  "line\nbreak",
  "\r\n\r\nHTTP/1.1 200 OK",
  "\u202eevil\u202c",
  "\u200f\u200e\u2066\u2069",
  "\ufeff",
  "\ufffe\uffff",
  "\ud800",
  "\udc00x",
  "\ud83d\ude00",
  "e\u0301\u0301\u0301\u0301",
  "ǅ",
  "İ",
  "ß",
  "%00",
  "%2e%2e%2f",
  "../../etc/passwd",
  "..",
  ".",
  "a/b",
  "a?b=c",
  "a#b",
  "anonymous:000000000000",
  "anonymous:",
  "im:someone",
  "x".repeat(33),
  "x".repeat(4097),
  ...XSS_PAYLOADS,
] as const;
