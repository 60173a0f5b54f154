// The theme chosen in the status menu, on <html> before the first paint (src/features/theme/theme.ts
// does the rest). A file, not an inline script: the server's CSP allows scripts from 'self' only.
try {
  const theme = localStorage.getItem("pim.theme");
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
} catch (_) {}
