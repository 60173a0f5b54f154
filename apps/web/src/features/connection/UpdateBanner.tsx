import { useNeedsReload } from "./useConnection.ts";

/** Says, without getting in the way, that the server speaks a newer (or older) protocol. */
export function UpdateBanner() {
  if (!useNeedsReload()) return null;
  return (
    <div className="update-banner" role="alert">
      <span>A new version of pim is available. Reload to update.</span>
      <button type="button" onClick={() => window.location.reload()}>
        Reload
      </button>
    </div>
  );
}
