import { expect, test } from "@playwright/test";
import { Person } from "../fixtures/app.ts";

test("the app arrives with its security headers and runs within its content policy", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const violations: string[] = [];
  const consoleErrors: string[] = [];
  await page.exposeFunction("reportViolation", (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event: SecurityPolicyViolationEvent) => {
      const report = (window as unknown as { reportViolation(text: string): void }).reportViolation;
      report(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
    });
  });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  const assetHeaders: Array<Record<string, string>> = [];
  page.on("response", (response) => {
    if (new URL(response.url()).pathname.startsWith("/assets/")) assetHeaders.push(response.headers());
  });

  const response = await page.goto("/");
  const headers = response?.headers() ?? {};
  const csp = headers["content-security-policy"] ?? "";
  expect(csp.split("; ")).toEqual(
    expect.arrayContaining([
      "default-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "object-src 'none'",
      "form-action 'self'",
      expect.stringMatching(/^script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'$/),
      expect.stringMatching(/^connect-src 'self' ws:\/\/127\.0\.0\.1:\d+$/),
    ]),
  );
  expect(csp).not.toContain("unsafe-inline");
  expect(headers).toMatchObject({
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
  });

  // The app still works: signing up shows the buddy list, with its early reads and its socket.
  const person = new Person(page, `sec-${Date.now().toString(36)}`);
  await person.signUp();
  await expect(
    page.getByText("No one here yet. Type someone's handle above to add them or write to them."),
  ).toBeVisible();
  // The early reads run as the page arrives, once a handle is stored: reload to run them.
  await page.reload();
  await person.expectSignedIn();

  expect(assetHeaders.length).toBeGreaterThan(0);
  for (const asset of assetHeaders) {
    expect(asset).toMatchObject({ "x-content-type-options": "nosniff", "x-frame-options": "DENY" });
  }
  expect(violations).toEqual([]);
  expect(consoleErrors.filter((text) => /Content Security Policy|Refused to/i.test(text))).toEqual([]);
  await context.close();
});

test("the app refuses to be shown inside another page's frame", async ({ browser, baseURL }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const refused = page.waitForEvent("console", (message) => /frame-ancestors/.test(message.text()));
  await page.setContent(`<iframe title="framed" src="${baseURL}/"></iframe>`);
  await refused;
  await context.close();
});
