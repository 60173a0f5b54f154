import { Link } from "@tanstack/react-router";

/** A URL naming something that cannot be (a handle no one could have). */
export function InvalidPlace() {
  return (
    <section className="page" aria-label="Not found">
      <h2>Nothing here</h2>
      <p>That address does not name anyone. </p>
      <Link to="/">Back to the list</Link>
    </section>
  );
}
