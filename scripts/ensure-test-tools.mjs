// What the tests need from Debian, installed with apt-get when missing (CI runs as root on a
// fresh machine): Chromium, because Playwright cannot download its own browser on this kind of
// machine, and the sqlite3 shell, with which the adversarial tests read what rooms stored.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromiumExecutablePath } from "./chromium.mjs";

const NEEDED = [
  { path: chromiumExecutablePath, pkg: "chromium" },
  { path: "/usr/bin/sqlite3", pkg: "sqlite3" },
];
const missing = NEEDED.filter(({ path }) => !existsSync(path));
if (missing.length === 0) process.exit(0);

const packages = missing.map(({ pkg }) => pkg);
console.log(
  `${missing.map(({ path }) => path).join(", ")} missing: installing ${packages.join(" ")} with apt-get…`,
);
const asRoot = typeof process.getuid === "function" && process.getuid() === 0 ? [] : ["sudo"];
for (const args of [
  ["apt-get", "update"],
  ["apt-get", "install", "-y", "--no-install-recommends", ...packages],
]) {
  const command = [...asRoot, ...args];
  console.log(`$ ${command.join(" ")}`);
  const result = spawnSync(command[0], command.slice(1), {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (result.status !== 0) {
    console.error(
      `Could not install ${packages.join(" ")} ("${command.join(" ")}" failed). Install them yourself: apt-get install -y ${packages.join(" ")}`,
    );
    process.exit(1);
  }
}
for (const { path } of missing) {
  if (!existsSync(path)) {
    console.error(`apt-get finished but ${path} is still missing.`);
    process.exit(1);
  }
}
