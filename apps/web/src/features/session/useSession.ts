import type { Credentials, SessionInfo } from "@pim/protocol";
import { type QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { ApiError } from "../../lib/api.ts";
import { storeHandle } from "../../lib/handle-store.ts";
import { forgetCache } from "../../lib/persisted-cache.ts";
import {
  deviceLabel,
  sessionQueryOptions,
  signedOutNoticeQueryOptions,
  signIn,
  signOut,
  signOutAskedQueryOptions,
  signUp,
} from "./queries.ts";

/** The signed-in principal (null when signed out), and whether that is still being checked. */
export function useSession() {
  return useQuery(sessionQueryOptions());
}

/** Why this tab was signed out, when it did not ask to be (null otherwise). */
export function useSignedOutNotice(): string | null {
  return useQuery(signedOutNoticeQueryOptions()).data ?? null;
}

/** The signed-in handle; only for components under the signed-in shell. */
export function useHandle(): string {
  const { data } = useSession();
  if (!data) throw new Error("useHandle outside a signed-in shell");
  return data.handle;
}

/** Sign up or sign in; on success the whole app switches to the signed-in shell. */
export function useSignIn(mode: "signin" | "signup") {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: Omit<Credentials, "device">) =>
      (mode === "signup" ? signUp : signIn)({ ...credentials, device: deviceLabel() }),
    onSuccess: (session: SessionInfo) => {
      storeHandle(session.handle);
      queryClient.setQueryData(signedOutNoticeQueryOptions().queryKey, null);
      queryClient.setQueryData(sessionQueryOptions().queryKey, session);
    },
  });
}

/**
 * What survives a sign-out: the (now null) session, the notice saying why, and whether this tab
 * asked for it: the shell and its socket go only at the next render, and the room's close of that
 * socket can land first; it must still read as asked for here. The next session's socket starts
 * it again as not asked (`followRoom`).
 */
const KEPT_ON_SIGN_OUT: ReadonlySet<unknown> = new Set([
  sessionQueryOptions().queryKey[0],
  signedOutNoticeQueryOptions().queryKey[0],
  signOutAskedQueryOptions().queryKey[0],
]);

/**
 * Forget everything this tab knew about the principal and show the sign-in screen, with
 * `notice` (why it happened) when the person did not ask for it.
 */
export function useSignedOut(): (notice: string | null) => void {
  const queryClient = useQueryClient();
  return useCallback((notice) => forgetSession(queryClient, notice), [queryClient]);
}

/** What `useSignedOut` does, for a query client outside React. */
export function forgetSession(queryClient: QueryClient, notice: string | null): void {
  storeHandle(null);
  forgetCache();
  queryClient.removeQueries({
    predicate: (q) => !KEPT_ON_SIGN_OUT.has(q.queryKey[0]),
  });
  queryClient.setQueryData(signedOutNoticeQueryOptions().queryKey, notice);
  queryClient.setQueryData(sessionQueryOptions().queryKey, null);
}

/**
 * Sign out here (or everywhere). If the server cannot be reached the tab stays signed in and
 * says so: forgetting the session here while the cookie still works would only look safe.
 */
export function useSignOut() {
  const handle = useHandle();
  const signedOut = useSignedOut();
  const queryClient = useQueryClient();
  const asking = (asked: boolean) => queryClient.setQueryData(signOutAskedQueryOptions().queryKey, asked);
  return useMutation({
    mutationFn: (everywhere: boolean) => {
      asking(true);
      return signOut(handle, everywhere);
    },
    onSuccess: () => signedOut(null),
    onError: (error) => {
      // The room no longer knows this session: it is over already.
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) signedOut(null);
      else asking(false);
    },
  });
}
