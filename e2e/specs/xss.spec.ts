import { type APIResponse, expect, type Page, test } from "@playwright/test";
import { XSS_PAYLOADS } from "../../apps/server/test/harness/hostile-strings.ts";
import { PASSWORD, Person } from "../fixtures/app.ts";

/**
 * Script injection in every place a person's text is shown to someone: notes, device labels,
 * messages and group names, each payload in its usual filter-evasion forms. Nothing may run, and
 * each payload must read as the very text that was typed. Handles cannot carry such text at all.
 * Everything is set up through the HTTP API with the page's own cookies, so the story depends on
 * the UI only where the text is shown.
 */

/** Counts what a payload could do if it ran: set window.__xss, or open a dialog. */
async function trap(person: Person): Promise<string[]> {
  const dialogs: string[] = [];
  person.page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await person.page.context().addInitScript(() => {
    (window as unknown as { __xss: number }).__xss = 0;
  });
  await person.page.reload();
  await person.expectSignedIn();
  return dialogs;
}

/** A person's room API, with the session cookie of their browser context and their origin. */
function api(person: Person) {
  const base = `/parties/user/${person.handle.toLowerCase()}`;
  const request = person.page.request;
  const origin = new URL(person.page.url()).origin;
  const headers = { origin };
  return {
    post: (path: string, data: unknown) => request.post(base + path, { data, headers }),
    put: (path: string, data: unknown) => request.put(base + path, { data, headers }),
    get: (path: string) => request.get(base + path, { headers }),
  };
}

async function expectOk(response: APIResponse): Promise<void> {
  expect(response.ok(), `${response.url()}: ${response.status()} ${await response.text()}`).toBe(true);
}

const withoutControls = (text: string) =>
  text.replace(/[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu, "");

/** Nothing ran, no dialog opened, and no element a payload would make is in the page. */
async function expectNothingRan(page: Page, dialogs: string[]): Promise<void> {
  expect(dialogs).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBe(0);
  const injected = await page.evaluate(
    () =>
      document.querySelectorAll(
        "body script:not([src]), img[src='x'], svg[onload], iframe[srcdoc], details[ontoggle], [onerror], [onmouseover]",
      ).length,
  );
  // The app's own inline script is in the head (index.html); a payload's would be in the body.
  expect(injected).toBe(0);
}

test("hostile text in notes, device labels, messages and group names is shown as text and never runs", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const alice = await Person.signedUp(browser, "alice");
  const bob = await Person.signedUp(browser, "bob");
  const aliceDialogs = await trap(alice);
  const bobDialogs = await trap(bob);
  const aliceHandle = alice.handle.toLowerCase();
  const bobHandle = bob.handle.toLowerCase();

  // Alice lets everyone see all of her presence; her groups get hostile names further down.
  const rules = (names: string[]) => ({
    default: { action: "allow", show: "lastSeen" },
    people: {},
    groups: names.map((name) => ({ name, members: [], rule: { action: "allow", show: "lastSeen" } })),
    refuseAnonymous: false,
  });
  await expectOk(await api(alice).put("/privacy/rules", rules([])));
  await expectOk(await api(bob).post("/buddies", { handle: aliceHandle }));
  await expect(bob.buddy(aliceHandle)).toBeVisible();

  // Notes, one after another, each shown live in Bob's buddy list.
  for (const payload of XSS_PAYLOADS) {
    const response = await api(alice).post("/presence", { note: payload });
    if (response.status() === 400) continue; // refused as a note (it says why): nothing to show
    await expectOk(response);
    await expect(bob.buddy(aliceHandle)).toContainText(payload);
  }
  await expectNothingRan(bob.page, bobDialogs);

  // Messages from Bob, three payloads to a message (an inbox takes ten at once from one sender).
  const chunks: string[][] = [];
  for (let i = 0; i < XSS_PAYLOADS.length; i += 3) chunks.push(XSS_PAYLOADS.slice(i, i + 3));
  const acks = await bob.page.evaluate(
    async ({ room, to, texts }) => {
      const socket = new WebSocket(`${location.origin.replace(/^http/, "ws")}/parties/user/${room}`);
      await new Promise((resolve) => socket.addEventListener("open", resolve, { once: true }));
      const states: string[] = [];
      const done = new Promise<void>((resolve) => {
        socket.addEventListener("message", (event) => {
          const message = JSON.parse(String(event.data));
          if (message.type === "message.ack" && message.state !== "sending") {
            states.push(message.state);
            if (states.length === texts.length) resolve();
          }
        });
      });
      texts.forEach((text, i) => {
        socket.send(JSON.stringify({ type: "message.send", id: `xss-message-${i}-${Date.now()}`, to, text }));
      });
      await done;
      socket.close();
      return states;
    },
    { room: bobHandle, to: aliceHandle, texts: chunks.map((c) => c.join("\n")) },
  );
  expect(acks.every((state) => state === "delivered" || state === "read")).toBe(true);
  await alice.buddy(bobHandle).click();
  for (const payload of XSS_PAYLOADS) await expect(alice.conversation(bobHandle)).toContainText(payload);
  await expectNothingRan(alice.page, aliceDialogs);

  // Group names (at most 40 characters, 20 groups), shown in Alice's rules editor.
  // Names are told apart regardless of case: one of each.
  const byFolded = new Map(XSS_PAYLOADS.map((p) => p.slice(0, 40).trim()).map((n) => [n.toLowerCase(), n]));
  const groupNames = [...byFolded.values()];
  for (let i = 0; i < groupNames.length; i += 12) {
    let names = groupNames.slice(i, i + 12);
    let saved = await api(alice).put("/privacy/rules", rules(names));
    if (saved.status() === 400) {
      // The service may refuse names that reorder text (bidi controls); the others must be kept.
      names = names.filter((name) => withoutControls(name) === name);
      saved = await api(alice).put("/privacy/rules", rules(names));
    }
    await expectOk(saved);
    await alice.page.goto("/settings/rules");
    for (const name of names) {
      await expect(alice.page.getByRole("group", { name: `Group ${name}` })).toContainText(name);
    }
  }
  await expectNothingRan(alice.page, aliceDialogs);

  // Device labels: Alice's extra tabs, named by the socket's ?device=, in "see what Bob sees".
  // The labelled sockets are opened from another tab of Alice's, so this one can be reloaded.
  const labeller = await alice.page.context().newPage();
  await labeller.goto("/");
  for (let i = 0; i < XSS_PAYLOADS.length; i += 4) {
    const labels = XSS_PAYLOADS.slice(i, i + 4);
    await labeller.evaluate(
      async ({ room, labels }) => {
        const sockets = labels.map(
          (label) =>
            new WebSocket(
              `${location.origin.replace(/^http/, "ws")}/parties/user/${room}?device=${encodeURIComponent(label)}`,
            ),
        );
        await Promise.all(
          sockets.map(
            (s) => new Promise((resolve) => s.addEventListener("message", resolve, { once: true })),
          ),
        );
        (window as unknown as { __labelled?: WebSocket[] }).__labelled = sockets;
      },
      { room: aliceHandle, labels: [...labels] },
    );
    // What the room stored (control and direction characters may be taken out) is what is shown.
    const { devices } = (await (await api(alice).get("/presence")).json()) as {
      devices: { device: string }[];
    };
    await alice.page.goto("/settings/preview");
    await alice.page.getByLabel("Whose view").fill(bobHandle);
    await alice.page.getByRole("button", { name: "Show their view" }).click();
    const view = alice.page.getByRole("region", { name: `What ${bobHandle} sees` });
    for (const { device } of devices) await expect(view).toContainText(device);
    for (const label of labels) {
      const core = withoutControls(label).trim().slice(0, 20);
      expect(
        devices.some((d) => withoutControls(d.device).includes(core), `a device labelled ${label}`),
      ).toBe(true);
    }
    await labeller.evaluate(() => {
      for (const s of (window as unknown as { __labelled?: WebSocket[] }).__labelled ?? []) s.close();
    });
  }
  await labeller.close();
  await expectNothingRan(alice.page, aliceDialogs);
  await expectNothingRan(bob.page, bobDialogs);
  await alice.close();
  await bob.close();
});

test("hostile text cannot be a handle: sign-up, adding a buddy and blocking refuse it", async ({
  browser,
}) => {
  const bob = await Person.signedUp(browser, "bob");
  const origin = new URL(bob.page.url()).origin;
  for (const payload of XSS_PAYLOADS) {
    const room = encodeURIComponent(payload.toLowerCase());
    const signUp = await bob.page.request.post(`/parties/user/${room}/signup`, {
      data: { handle: payload, password: PASSWORD },
      headers: { origin },
    });
    expect(signUp.status(), payload).toBeGreaterThanOrEqual(400);
    expect(signUp.status(), payload).toBeLessThan(500);
    const buddy = await api(bob).post("/buddies", { handle: payload });
    expect(buddy.status(), payload).toBe(400);
    const block = await api(bob).post("/blocklist", { handle: payload });
    expect(block.status(), payload).toBe(400);
    expect(((await buddy.json()) as { error: { code: string } }).error.code).toBe("invalid");
  }
  await bob.close();
});
