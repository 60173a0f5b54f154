import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MessageText } from "./MessageText.tsx";

const render = (text: string) => renderToStaticMarkup(<MessageText text={text} />);

describe("MessageText renders text as text", () => {
  it.each([
    { case: "an img with onerror", text: "<img src=x onerror=alert(1)>", absent: "<img" },
    { case: "a script element", text: "<script>alert(2)</script>", absent: "<script" },
    { case: "a javascript: URL", text: "javascript:alert(3)", absent: "<a" },
    { case: "a data: URL", text: "data:text/html,<b>x</b>", absent: "<a" },
    { case: "an http link inside markup", text: '<a href="http://x">y</a>', absent: '<a href="http://x">' },
  ])("$case is escaped", ({ text, absent }) => {
    const html = render(text);
    expect(html).not.toContain(absent);
    if (text.includes("<")) expect(html).toContain("&lt;");
  });

  it.each([
    { text: "see https://example.com/a?b=1 now", href: "https://example.com/a?b=1" },
    { text: "http://example.org", href: "http://example.org/" },
  ])("makes $href a link, safely", ({ text, href }) => {
    const html = render(text);
    expect(html).toContain(`href="${href.replace(/&/g, "&amp;")}"`);
    expect(html).toContain('rel="noopener noreferrer nofollow"');
  });
});
