// The VS Code workbench in Chromium, driven as a user drives it: the
// command palette, quick open, the keyboard; read back from its DOM.

import type { ElementHandle, Frame, Page } from "puppeteer-core";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value that is not undefined. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (${String(last)})` : ""}`,
      );
    await sleep(250);
  }
}

/** Monaco renders spaces as no-break spaces. */
const normalize = (text: string) => text.replace(/\u00a0/g, " ");

export class Workbench {
  constructor(readonly page: Page) {}

  /** The text of the elements matching `selector`, normalized. */
  async texts(selector: string): Promise<string[]> {
    const texts = await this.page.$$eval(selector, (elements) =>
      // innerText: the text as rendered (hidden parts left out).
      elements.map((element) => (element as unknown as { innerText?: string }).innerText ?? ""),
    );
    return texts.map(normalize);
  }

  async text(selector: string): Promise<string> {
    return (await this.texts(selector)).join("\n");
  }

  /** Waits for an element matching `selector` whose text contains `part`. */
  async waitForText(selector: string, part: string | RegExp, timeoutMs = 20_000) {
    return waitFor(
      `${JSON.stringify(String(part))} in ${selector}`,
      async () => {
        const texts = await this.texts(selector);
        return texts.find((text) =>
          typeof part === "string" ? text.includes(part) : part.test(text),
        );
      },
      timeoutMs,
    );
  }

  async waitForGone(selector: string, part: string, timeoutMs = 20_000) {
    await waitFor(
      `${JSON.stringify(part)} gone from ${selector}`,
      async () =>
        (await this.texts(selector)).some((text) => text.includes(part))
          ? undefined
          : true,
      timeoutMs,
    );
  }

  async count(selector: string): Promise<number> {
    return (await this.page.$$(selector)).length;
  }

  /** The status bar's items, as text. */
  statusBar(): Promise<string[]> {
    return this.texts(".statusbar-item");
  }

  /** The active editor's visible lines. */
  editorText(): Promise<string> {
    return this.text(".editor-group-container.active .editor-instance .view-lines");
  }

  /** The cursor's line and column, from the status bar. */
  async cursor(): Promise<{ line: number; column: number }> {
    const items = await this.statusBar();
    for (const item of items) {
      const match = /Ln (\d+), Col (\d+)/.exec(item);
      if (match) return { line: Number(match[1]), column: Number(match[2]) };
    }
    throw new Error(`no cursor position in the status bar: ${items.join(" | ")}`);
  }

  async press(...keys: string[]): Promise<void> {
    const modifiers = keys.slice(0, -1) as Parameters<Page["keyboard"]["down"]>[0][];
    for (const key of modifiers) await this.page.keyboard.down(key);
    await this.page.keyboard.press(keys[keys.length - 1] as Parameters<Page["keyboard"]["press"]>[0]);
    for (const key of modifiers.reverse()) await this.page.keyboard.up(key);
  }

  async type(text: string): Promise<void> {
    await this.page.keyboard.type(text, { delay: 10 });
  }

  /** The quick input's rows (palette, quick open, quick picks). */
  quickInputRows(): Promise<ElementHandle[]> {
    return this.page.$$(".quick-input-widget .quick-input-list .monaco-list-row");
  }

  private async quickInputOpen(): Promise<void> {
    await waitFor("the quick input", async () =>
      (await this.page.$(".quick-input-widget:not([style*='display: none']) input"))
        ? true
        : undefined,
    );
  }

  /**
   * Picks, with the keyboard, the first quick input row whose label starts
   * with `label` (type a filter first to bring it near the top).
   */
  async pick(label: string, timeoutMs = 20_000): Promise<void> {
    const index = await waitFor(
      `a quick input row "${label}"`,
      async () => {
        const rows = await this.page.$$eval(
          ".quick-input-widget .quick-input-list .monaco-list-row",
          (elements) =>
            elements.map((element) => ({
              index: Number(element.getAttribute("data-index")),
              label: element.querySelector(".label-name")?.textContent ?? "",
            })),
        );
        const matches = rows
          .filter((row) => normalize(row.label).startsWith(label))
          .map((row) => row.index);
        return matches.length ? Math.min(...matches) : undefined;
      },
      timeoutMs,
    );
    for (let step = 0; step < index; step++) await this.press("ArrowDown");
    await this.press("Enter");
  }

  /** Runs a command from the command palette by its title. */
  async command(title: string): Promise<void> {
    await this.press("F1");
    await this.quickInputOpen();
    await this.type(title);
    await this.pick(title);
  }

  /** Sets a string setting in the Settings editor, as a user does. */
  async setSetting(id: string, value: string): Promise<void> {
    await this.command("Preferences: Open User Settings");
    await sleep(500);
    await this.type(id);
    // The search has run when it counts one setting.
    await this.waitForText(".settings-editor .settings-count-widget", "1 Setting Found");
    const input = await waitFor(`the input of ${id}`, async () => {
      const inputs = await this.page.$$(".settings-editor input.setting-control-focus-target");
      return inputs.length === 1 ? inputs[0] : undefined;
    });
    await input.focus();
    await this.press("Control", "KeyA");
    await this.type(value);
    await this.press("Tab");
    await waitFor(`${id} set`, async () =>
      (await input.evaluate((element) => (element as unknown as { value: string }).value)) === value
        ? true
        : undefined,
    );
  }

  /** Hides the panel (Problems, Output) when it shows. */
  async closePanel(): Promise<void> {
    const visible = await this.page.evaluate(
      "(() => { const panel = document.getElementById('workbench.parts.panel'); return !!panel && panel.checkVisibility(); })()",
    );
    if (visible) await this.command("View: Toggle Panel Visibility");
  }

  /** Opens a workspace file by name through quick open. */
  async open(file: string): Promise<void> {
    await this.press("Control", "KeyP");
    await this.quickInputOpen();
    await this.type(file);
    await this.pick(file);
    await this.waitForTab(file);
  }

  /** Waits for the active tab's title to contain `part`. */
  async waitForTab(part: string, timeoutMs = 20_000): Promise<void> {
    // Tab labels are split into name and extension: compare without blanks.
    const wanted = part.replace(/\s/g, "");
    await waitFor(
      `an active tab titled ${part}`,
      async () =>
        (await this.texts(".tabs-container .tab.active")).some((tab) =>
          tab.replace(/\s/g, "").includes(wanted),
        )
          ? true
          : undefined,
      timeoutMs,
    );
  }

  /** The Problems counts of the status bar: errors and warnings. */
  async problems(): Promise<{ errors: number; warnings: number }> {
    const text = await this.text("[id='status.problems']");
    const [errors, warnings] = text.trim().split(/\s+/).map(Number);
    return { errors, warnings };
  }

  /** Moves the cursor (1-based line and column) with Go to Line. */
  async goTo(line: number, column: number): Promise<void> {
    await this.press("Control", "KeyG");
    await this.quickInputOpen();
    await this.type(`${line}:${column}`);
    await this.press("Enter");
    await waitFor(`the cursor at ${line}:${column}`, async () => {
      const cursor = await this.cursor();
      return cursor.line === line && cursor.column === column ? true : undefined;
    });
  }

  /** Hides hovers, widgets and quick inputs. */
  async escape(): Promise<void> {
    await this.press("Escape");
    await this.press("Escape");
  }

  /** The notification toasts' messages. */
  notifications(): Promise<string[]> {
    return this.texts(".notifications-toasts .notification-list-item-message");
  }

  async clearNotifications(): Promise<void> {
    await this.command("Notifications: Clear All Notifications");
  }

  /** A frame (webviews are nested iframes) whose body contains `part`. */
  async frameWith(part: string, timeoutMs = 20_000): Promise<Frame> {
    return waitFor(
      `a frame containing ${JSON.stringify(part)}`,
      async () => {
        for (const frame of this.page.frames()) {
          try {
            const body = String(
              await frame.evaluate("document.body ? document.body.innerText : ''"),
            );
            if (body.includes(part)) return frame;
          } catch {
            // A frame navigating away.
          }
        }
        return undefined;
      },
      timeoutMs,
    );
  }
}
