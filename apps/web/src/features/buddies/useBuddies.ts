import { orderBuddies } from "@pim/model";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useHandle } from "../session/useSession.ts";
import {
  addBuddy,
  answerSubscriber,
  buddiesQueryOptions,
  removeBuddy,
  subscribersQueryOptions,
} from "./queries.ts";

/** My buddy list in display order, live. */
export function useBuddies() {
  const handle = useHandle();
  return useQuery({ ...buddiesQueryOptions(handle), select: orderBuddies });
}

/** Requests to watch me, newest first. */
export function useSubscribers() {
  return useQuery(subscribersQueryOptions(useHandle()));
}

/** How many requests to watch me wait for my answer (shown wherever I am in the app). */
export function usePendingRequests(): number {
  const { data = [] } = useSubscribers();
  return data.filter((s) => s.state === "pending").length;
}

export function useAddBuddy() {
  const handle = useHandle();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (buddy: string) => addBuddy(handle, buddy),
    onSuccess: (buddy) =>
      queryClient.setQueryData(buddiesQueryOptions(handle).queryKey, (list = []) => [
        ...list.filter((b) => b.handle !== buddy.handle),
        buddy,
      ]),
  });
}

export function useRemoveBuddy() {
  const handle = useHandle();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (buddy: string) => removeBuddy(handle, buddy),
    onSuccess: (_ok, buddy) =>
      queryClient.setQueryData(buddiesQueryOptions(handle).queryKey, (list = []) =>
        list.filter((b) => b.handle !== buddy),
      ),
  });
}

export function useAnswerSubscriber() {
  const handle = useHandle();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ watcher, decision }: { watcher: string; decision: "approve" | "deny" }) =>
      answerSubscriber(handle, watcher, decision),
    onSuccess: (subscriber) =>
      queryClient.setQueryData(subscribersQueryOptions(handle).queryKey, (list = []) => [
        subscriber,
        ...list.filter((s) => s.handle !== subscriber.handle),
      ]),
  });
}
