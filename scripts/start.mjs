// `npm start`: serves the built SPA and the rooms on one origin with `partykit dev`,
// durable storage persisted under .data/ (git-ignored), so a restart loses nothing.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const envFile = join(root, ".env");

// A development signing key, generated once and kept out of git. Production sets its own
// secret (`partykit env add SESSION_SECRET`); see README.
const env = existsSync(envFile) ? readFileSync(envFile, "utf8") : "";
if (!/^SESSION_SECRET=.{32,}$/m.test(env)) {
  writeFileSync(
    envFile,
    `${env}${env && !env.endsWith("\n") ? "\n" : ""}SESSION_SECRET=${randomBytes(32).toString("hex")}\n`,
  );
  console.log("Generated a development SESSION_SECRET in .env (git-ignored).");
}

const port = process.env.PORT ?? "1999";
const child = spawn(
  join(root, "node_modules/.bin/partykit"),
  ["dev", "--port", port, "--persist", join(root, ".data/partykit"), "--disable-request-cf-fetch"],
  { cwd: root, stdio: "inherit" },
);
console.log(`pim: http://localhost:${port}`);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
