// Playwright cannot download its own browser on this kind of machine: the tests use Debian's
// Chromium, installed here with apt-get when it is missing (CI runs as root on a fresh machine).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const CHROMIUM = "/usr/bin/chromium";
if (existsSync(CHROMIUM)) process.exit(0);

console.log(`${CHROMIUM} is missing: installing Debian's chromium with apt-get…`);
const asRoot = typeof process.getuid === "function" && process.getuid() === 0 ? [] : ["sudo"];
for (const args of [
  ["apt-get", "update"],
  ["apt-get", "install", "-y", "--no-install-recommends", "chromium"],
]) {
  const command = [...asRoot, ...args];
  console.log(`$ ${command.join(" ")}`);
  const result = spawnSync(command[0], command.slice(1), {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (result.status !== 0) {
    console.error(
      `Could not install Chromium ("${command.join(" ")}" failed). Install it yourself: apt-get install -y chromium`,
    );
    process.exit(1);
  }
}
if (!existsSync(CHROMIUM)) {
  console.error(`apt-get finished but ${CHROMIUM} is still missing.`);
  process.exit(1);
}
