import {
  type AccessRules,
  type DeliveryRules,
  type PrivacySettings,
  PrivacySettingsSchema,
  type VisibilityRules,
  type WatcherInfo,
  WatcherInfoListSchema,
  WatcherPreviewSchema,
} from "@pim/protocol";
import { queryOptions } from "@tanstack/react-query";
import { request, roomPath } from "../../lib/api.ts";

/** My access rules, visibility rules and blocklist. */
export function privacyQueryOptions(handle: string) {
  return queryOptions({
    queryKey: ["privacy", handle] as const,
    queryFn: (): Promise<PrivacySettings> => request(roomPath(handle, "/privacy"), PrivacySettingsSchema),
  });
}

/** My WATCHER INFORMATION, kept live by the socket's watcher events. */
export function watchersQueryOptions(handle: string) {
  return queryOptions({
    queryKey: ["watchers", handle] as const,
    queryFn: async (): Promise<WatcherInfo[]> =>
      (await request(roomPath(handle, "/watchers"), WatcherInfoListSchema)).watchers,
  });
}

/** "See what X sees", computed by my room. */
export function previewQueryOptions(handle: string, watcher: string) {
  return queryOptions({
    queryKey: ["privacy", handle, "preview", watcher] as const,
    queryFn: () =>
      request(roomPath(handle, `/privacy/preview/${encodeURIComponent(watcher)}`), WatcherPreviewSchema),
    enabled: watcher !== "",
    retry: false,
  });
}

export function saveRules(handle: string, rules: AccessRules): Promise<PrivacySettings> {
  return request(roomPath(handle, "/privacy/rules"), PrivacySettingsSchema, { method: "PUT", body: rules });
}

export function saveDelivery(handle: string, delivery: DeliveryRules): Promise<PrivacySettings> {
  return request(roomPath(handle, "/privacy/delivery"), PrivacySettingsSchema, {
    method: "PUT",
    body: delivery,
  });
}

export function saveVisibility(handle: string, visibility: VisibilityRules): Promise<PrivacySettings> {
  return request(roomPath(handle, "/privacy/visibility"), PrivacySettingsSchema, {
    method: "PUT",
    body: visibility,
  });
}

export function block(handle: string, who: string): Promise<PrivacySettings> {
  return request(roomPath(handle, "/blocklist"), PrivacySettingsSchema, {
    method: "POST",
    body: { handle: who },
  });
}

export function unblock(handle: string, who: string): Promise<PrivacySettings> {
  return request(roomPath(handle, `/blocklist/${encodeURIComponent(who)}`), PrivacySettingsSchema, {
    method: "DELETE",
  });
}
