import { useSyncExternalStore } from "react";

/** The colour scheme chosen in the status menu; "system" follows the operating system. */
export type ThemeChoice = "system" | "light" | "dark";
export const THEME_CHOICES: readonly ThemeChoice[] = ["system", "light", "dark"];

const KEY = "pim.theme";
const listeners = new Set<() => void>();

function parse(value: string | null): ThemeChoice {
  return value === "light" || value === "dark" ? value : "system";
}

export function storedTheme(): ThemeChoice {
  try {
    return parse(localStorage.getItem(KEY));
  } catch {
    return "system";
  }
}

/** Puts the choice on <html>, where the stylesheet reads it; called before the first render. */
export function applyTheme(choice: ThemeChoice = storedTheme()): void {
  const root = document.documentElement;
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
}

export function setTheme(choice: ThemeChoice): void {
  try {
    if (choice === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // storage unavailable: the choice lasts this page only
  }
  applyTheme(choice);
  for (const listener of listeners) listener();
}

export function useTheme(): ThemeChoice {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    storedTheme,
    () => "system",
  );
}
