/** The main pane with nothing open (on a phone, the list is all there is). */
export function Home() {
  return (
    <section className="home" aria-label="Start">
      <h2>Nothing open</h2>
      <p>Choose someone from the list, or type a handle in the search box to message or add anyone.</p>
      <p className="hint">
        <kbd>Ctrl</kbd>+<kbd>K</kbd> finds anyone or any place; <kbd>Alt</kbd>+<kbd>↑</kbd>/<kbd>↓</kbd> moves
        between conversations.
      </p>
    </section>
  );
}
