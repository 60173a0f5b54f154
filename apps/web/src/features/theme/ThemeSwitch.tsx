import { setTheme, THEME_CHOICES, type ThemeChoice, useTheme } from "./theme.ts";

const LABELS: Record<ThemeChoice, string> = { system: "Match the system", light: "Light", dark: "Dark" };

/** Light, dark, or whatever the system says (the default). */
export function ThemeSwitch() {
  const theme = useTheme();
  return (
    <label className="theme-switch">
      Theme
      <select value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)}>
        {THEME_CHOICES.map((choice) => (
          <option key={choice} value={choice}>
            {LABELS[choice]}
          </option>
        ))}
      </select>
    </label>
  );
}
