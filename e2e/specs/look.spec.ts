import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { Person } from "../fixtures/app.ts";

/** Serious and critical WCAG A/AA problems on the page as it is now, named for the report. */
async function seriousProblems(page: Page, where: string): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${where}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/**
 * The problems on the page as it is now in each theme, switched as the system switches it (the
 * theme is CSS alone: no script reads it, nothing is laid out again but colours).
 */
async function problemsInBothThemes(page: Page, where: string): Promise<string[]> {
  const problems: string[] = [];
  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await expect
      .poll(() => page.evaluate(() => getComputedStyle(document.documentElement).colorScheme))
      .toBe(theme);
    problems.push(...(await seriousProblems(page, `${where}, ${theme}`)));
  }
  return problems;
}

// One world for both tests (set up once: a minute of two busy cores), each screen read by axe in
// the light and in the dark theme after one navigation.
test.describe("every screen has no serious accessibility problem, in the light and the dark theme", () => {
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let bobHandle: string;

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000);
    alice = await Person.signedUp(browser, "alice");
    bob = await Person.signedUp(browser, "bob");
    carol = await Person.signedUp(browser, "carol");
    bobHandle = bob.handle.toLowerCase();
    await bob.addBuddy(alice.handle);
    await alice.approve(bob.handle);
    await carol.addBuddy(alice.handle);
    await alice.addBuddy(bob.handle);
    await bob.approve(alice.handle);
    await bob.messageTo(alice.handle);
    await bob.send(alice.handle, "Hello Alice, a link: https://example.com");
    await alice.messageTo(bob.handle);
    await alice.send(bob.handle, "Hi Bob!");
    await expect(alice.message(bob.handle, "Hi Bob!")).toContainText(/Delivered|Read/);
  });

  test.afterAll(async () => {
    for (const person of [alice, bob, carol]) await person?.close();
  });

  test("every page", async ({ browser }) => {
    test.setTimeout(300_000); // axe reads eleven pages twice: a minute, and over three on two busy cores
    const visitor = await Person.open(browser, "visitor");
    const problems = await problemsInBothThemes(visitor.page, "sign-in");
    await visitor.close();
    const places: [string, string][] = [
      ["list", "/"],
      ["conversation", `/chat/${bobHandle}`],
      ["person", `/people/${bobHandle}`],
      ["requests", "/requests"],
      ["settings", "/settings"],
      ...["watchers", "rules", "preview", "blocked", "messages", "watching"].map((page): [string, string] => [
        `settings/${page}`,
        `/settings/${page}`,
      ]),
    ];
    for (const [name, path] of places) {
      await alice.page.goto(path);
      await expect(alice.page.getByRole("status").filter({ hasText: "Connected" })).toBeVisible();
      await expect(alice.page.getByText("Loading…")).toHaveCount(0);
      problems.push(...(await problemsInBothThemes(alice.page, name)));
    }
    expect(problems).toEqual([]);
  });

  test("every dialog and menu", async () => {
    test.setTimeout(120_000);
    await alice.page.goto(`/chat/${bobHandle}`);
    await alice
      .conversation(bob.handle)
      .getByRole("button", { name: `What ${bobHandle} sees` })
      .click();
    await expect(alice.page.getByRole("dialog", { name: `Privacy for ${bobHandle}` })).toContainText("Allow");
    const problems = await problemsInBothThemes(alice.page, "privacy for a person");
    await alice.page.keyboard.press("Escape");
    await alice
      .conversation(bob.handle)
      .getByRole("button", { name: /^Actions for “Hi Bob/ })
      .click();
    await expect(alice.page.getByRole("menu")).toBeVisible();
    problems.push(...(await problemsInBothThemes(alice.page, "message actions")));
    await alice.page.keyboard.press("Escape");
    await alice.buddy(bob.handle).click({ button: "right" });
    await expect(alice.page.getByRole("menu", { name: `Actions for ${bobHandle}` })).toBeVisible();
    problems.push(...(await problemsInBothThemes(alice.page, "a person's actions in the list")));
    await alice.page.keyboard.press("Escape");
    await alice.openStatusMenu();
    problems.push(...(await problemsInBothThemes(alice.page, "status menu")));
    await alice.closeStatusMenu();
    await alice.page.keyboard.press("Control+k");
    await expect(alice.page.getByRole("dialog", { name: "Go to" })).toBeVisible();
    problems.push(...(await problemsInBothThemes(alice.page, "quick switcher")));
    expect(problems).toEqual([]);
  });
});

test("the theme follows the system, and the status menu's switch overrides it across reloads", async ({
  browser,
}) => {
  const alice = await Person.open(browser, "alice");
  await alice.page.emulateMedia({ colorScheme: "dark" });
  await alice.signUp();
  const background = () =>
    alice.page.evaluate(
      () => getComputedStyle(document.querySelector(".sidebar") as Element).backgroundColor,
    );
  expect(await background()).toBe("rgb(26, 30, 37)");

  const menu = await alice.openStatusMenu();
  await menu.getByLabel("Theme").selectOption("light");
  await alice.closeStatusMenu();
  expect(await background()).toBe("rgb(255, 255, 255)");
  await alice.page.reload();
  await alice.expectSignedIn();
  expect(await background()).toBe("rgb(255, 255, 255)");

  await alice.page.emulateMedia({ colorScheme: "light" });
  await (await alice.openStatusMenu()).getByLabel("Theme").selectOption("dark");
  await alice.closeStatusMenu();
  expect(await background()).toBe("rgb(26, 30, 37)");
  await (await alice.openStatusMenu()).getByLabel("Theme").selectOption("system");
  await alice.closeStatusMenu();
  expect(await background()).toBe("rgb(255, 255, 255)");
  await alice.close();
});

test("everything is reachable by keyboard, with a visible focus", async ({ browser }) => {
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  await alice.addBuddy(bob.handle);
  const page = alice.page;
  const focusShows = () =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return `nothing (${el?.tagName})`;
      const style = getComputedStyle(el);
      return style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) > 0
        ? "visible"
        : el.outerHTML.slice(0, 80);
    });
  // From the search box Tab walks on, each stop visibly marked.
  await alice.search().focus();
  for (let i = 0; i < 2; i++) {
    await page.keyboard.press("Tab");
    expect(`${i}: ${await focusShows()}`).toBe(`${i}: visible`);
  }
  for (let i = 0; i < 3; i++) await page.keyboard.press("Shift+Tab");
  await expect(alice.me()).toBeFocused();
  expect(await focusShows()).toBe("visible");
  // The person in the list opens with Enter, and the composer has the keyboard.
  await alice.buddy(bob.handle).focus();
  await page.keyboard.press("Enter");
  await expect(
    alice.conversation(bob.handle).getByLabel(`Message to ${bob.handle.toLowerCase()}`),
  ).toBeFocused();
  // Shift+Enter is a new line; Enter sends.
  await page.keyboard.type("two");
  await page.keyboard.press("Shift+Enter");
  await page.keyboard.type("lines");
  await page.keyboard.press("Enter");
  await expect(alice.message(bob.handle, "two\nlines")).toHaveCount(1);
  // A message's actions are a focusable button, then a menu by arrows.
  await page.keyboard.press("Shift+Tab");
  await alice
    .conversation(bob.handle)
    .getByRole("button", { name: /^Actions for “two/ })
    .focus();
  expect(await focusShows()).toBe("visible");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("menuitem", { name: "Copy text" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("menu")).toHaveCount(0);
  await alice.close();
  await bob.close();
});
