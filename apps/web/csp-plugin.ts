import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { APP_POLICY_FILE, type AppPolicyFile, contentSecurityPolicy } from "@pim/protocol";
import type { Plugin } from "vite";

const INLINE_SCRIPT = /<script>([\s\S]*?)<\/script>/g;

/**
 * At build time: hashes index.html's inline scripts for the Content-Security-Policy. The server
 * reads the hashes from `app-policy.json` for its header; a `<meta>` copy of the policy goes in
 * the page too, for any way of reaching the file that skips the server's headers.
 */
export function contentPolicyPlugin(distRoot: string, outDir: string): Plugin {
  let policy: AppPolicyFile = { scriptHashes: [] };
  return {
    name: "pim-content-policy",
    apply: "build",
    buildStart() {
      // Everything once served from dist is gone: only the server's route reaches the new build.
      rmSync(distRoot, { recursive: true, force: true });
    },
    transformIndexHtml: {
      order: "post",
      handler(html) {
        const scriptHashes = [...html.matchAll(INLINE_SCRIPT)].map(
          ([, text]) =>
            `sha256-${createHash("sha256")
              .update(text ?? "", "utf8")
              .digest("base64")}`,
        );
        policy = { scriptHashes };
        const meta = `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy({ scriptHashes, forMeta: true })}" />`;
        // Right after the charset, before every script it governs.
        return /<meta charset="[^"]*" \/>/.test(html)
          ? html.replace(/<meta charset="[^"]*" \/>/, (charset) => `${charset}\n    ${meta}`)
          : html.replace(/<head>/, `<head>\n    ${meta}`);
      },
    },
    closeBundle() {
      mkdirSync(outDir, { recursive: true });
      writeFileSync(join(outDir, APP_POLICY_FILE), `${JSON.stringify(policy)}\n`);
    },
  };
}
