import type { ErrorCode } from "@pim/protocol";

/**
 * The room says no, in its own terms: a code every client knows and a sentence for people, no
 * HTTP status. The HTTP layer (`http/api-error.ts`) and the socket layer each turn it into their
 * answer in one place, so presence, privacy, messages and rooms never speak HTTP.
 */
export class Refusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Seconds until asking again may succeed (rate limits). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "Refusal";
  }
}

/** Another room could not answer (down, failing, or answering off its schema): nothing was decided. */
export class Unreachable extends Refusal {
  constructor(message = "Their room could not answer.") {
    super("internal", message);
    this.name = "Unreachable";
  }
}

/** A service this room needs (the sign-up gate) cannot answer now; asking again later may work. */
export class Unavailable extends Refusal {
  constructor(message: string) {
    super("internal", message);
    this.name = "Unavailable";
  }
}

/** What the caller names was here once and is no more (a subscription that ended). */
export class Gone extends Refusal {
  constructor(message: string) {
    super("not_found", message);
    this.name = "Gone";
  }
}

/** "1 second", "5 seconds": how long until someone refused for their rate may try again. */
export function secondsInWords(seconds: number): string {
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}
