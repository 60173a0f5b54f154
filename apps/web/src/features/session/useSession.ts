import type { Credentials, SessionInfo } from "@pim/protocol";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { storeHandle } from "../../lib/handle-store.ts";
import { deviceLabel, sessionQueryOptions, signIn, signOut, signUp } from "./queries.ts";

/** The signed-in principal (null when signed out), and whether that is still being checked. */
export function useSession() {
  return useQuery(sessionQueryOptions());
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
      queryClient.setQueryData(sessionQueryOptions().queryKey, session);
    },
  });
}

/** Forget everything this tab knew about the principal. */
export function useSignedOut() {
  const queryClient = useQueryClient();
  return () => {
    storeHandle(null);
    queryClient.removeQueries({
      predicate: (q) => q.queryKey[0] !== "session" && q.queryKey[0] !== "notice",
    });
    queryClient.setQueryData(sessionQueryOptions().queryKey, null);
  };
}

export function useSignOut() {
  const handle = useHandle();
  const signedOut = useSignedOut();
  return useMutation({
    mutationFn: (everywhere: boolean) => signOut(handle, everywhere),
    onSettled: signedOut,
  });
}
