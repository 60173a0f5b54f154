import type { Availability, PresenceView } from "@pim/protocol";

const AVAILABILITY: Record<Availability, string> = {
  available: "Available",
  away: "Away",
  busy: "Busy",
  dnd: "Do not disturb",
};

export function availabilityLabel(availability: Availability): string {
  return AVAILABILITY[availability];
}

/** One word for a view: its availability when OPEN, "Offline" when CLOSED. */
export function presenceLabel(view: PresenceView | undefined): string {
  if (!view || view.status === "closed") return "Offline";
  return view.availability ? AVAILABILITY[view.availability] : "Online";
}

/** A CSS class for the status dot. */
export function presenceTone(view: PresenceView | undefined): string {
  if (!view || view.status === "closed") return "closed";
  return view.availability ?? "available";
}
