import type { AccessRules, DeliveryRules, PrivacySettings, VisibilityRules } from "@pim/protocol";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useHandle } from "../session/useSession.ts";
import {
  block,
  previewQueryOptions,
  privacyQueryOptions,
  saveDelivery,
  saveRules,
  saveVisibility,
  unblock,
  watchersQueryOptions,
} from "./queries.ts";

export function usePrivacy() {
  return useQuery(privacyQueryOptions(useHandle()));
}

export function useWatchers() {
  return useQuery(watchersQueryOptions(useHandle()));
}

export function usePreview(watcher: string) {
  return useQuery(previewQueryOptions(useHandle(), watcher));
}

/** A privacy change: the settings the room answers go into the cache; previews are recomputed. */
function usePrivacyMutation<T>(change: (handle: string, input: T) => Promise<PrivacySettings>) {
  const handle = useHandle();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: T) => change(handle, input),
    onSuccess: (settings) => {
      queryClient.setQueryData(privacyQueryOptions(handle).queryKey, settings);
      void queryClient.invalidateQueries({ queryKey: [...privacyQueryOptions(handle).queryKey, "preview"] });
    },
  });
}

export const useSaveRules = () => usePrivacyMutation<AccessRules>(saveRules);
export const useSaveDelivery = () => usePrivacyMutation<DeliveryRules>(saveDelivery);
export const useSaveVisibility = () => usePrivacyMutation<VisibilityRules>(saveVisibility);
export const useBlock = () => usePrivacyMutation<string>(block);
export const useUnblock = () => usePrivacyMutation<string>(unblock);
