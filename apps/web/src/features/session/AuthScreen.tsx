import { HandleSchema, PasswordSchema } from "@pim/protocol";
import { type FormEvent, useState } from "react";
import type { z } from "zod";
import { ApiError } from "../../lib/api.ts";
import { useFieldProblem } from "../../lib/useFieldProblem.ts";
import { useSignedOutNotice, useSignIn } from "./useSession.ts";

/** Sign in, or sign up: one form, two modes. Errors are shown in words. */
export function AuthScreen() {
  const [mode, setMode] = useState<"signin" | "signup">("signin");
  const [handle, setHandle] = useState("");
  const [password, setPassword] = useState("");
  const [invalid, setInvalid] = useState<string | null>(null);
  const mutation = useSignIn(mode);
  const notice = useSignedOutNotice();

  function submit(event: FormEvent) {
    event.preventDefault();
    // The server's own rules, checked before anything is sent.
    const problem = firstProblem(HandleSchema, handle) ?? firstProblem(PasswordSchema, password);
    setInvalid(problem);
    if (!problem) mutation.mutate({ handle, password });
  }

  const error = invalid ?? (mutation.error ? messageOf(mutation.error) : null);
  // "Wrong handle or password" is about both fields; so is any problem shown here.
  const tie = useFieldProblem(error);
  const title = mode === "signin" ? "Sign in" : "Sign up";
  return (
    <main className="auth">
      <h1>pim</h1>
      <p className="tagline">Presence and instant messages, with you in control.</p>
      <form onSubmit={submit} aria-label={title} noValidate>
        <h2>{title}</h2>
        {notice && mode === "signin" && !error ? <p role="status">{notice}</p> : null}
        <label>
          Handle
          <input
            {...tie.field}
            name="handle"
            autoComplete="username"
            value={handle}
            onChange={(e) => setHandle(e.target.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            {...tie.field}
            name="password"
            type="password"
            autoComplete={mode === "signin" ? "current-password" : "new-password"}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error ? <p {...tie.message}>{error}</p> : null}
        <button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? `${title}…` : title}
        </button>
      </form>
      <p>
        {mode === "signin" ? "New here? " : "Have an account? "}
        <button
          type="button"
          className="link"
          onClick={() => {
            setMode(mode === "signin" ? "signup" : "signin");
            setInvalid(null);
            mutation.reset();
          }}
        >
          {mode === "signin" ? "Create an account" : "Sign in instead"}
        </button>
      </p>
    </main>
  );
}

function firstProblem(schema: z.ZodType, value: string): string | null {
  const result = schema.safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? "That is not valid.");
}

function messageOf(error: Error): string {
  return error instanceof ApiError ? error.message : "Something went wrong. Try again.";
}
