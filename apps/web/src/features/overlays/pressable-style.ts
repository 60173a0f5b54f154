/**
 * React Aria's press handling puts a `<style>` in the page for its pressable elements'
 * `touch-action`, unless an element with its id is there already. Our content policy
 * (`style-src 'self'`) refuses that inline style, and says so in the console; the same rule is in
 * styles.css, so this marks it present and React Aria leaves it. Imported by each module that
 * uses React Aria, before any of it renders.
 */
const ID = "react-aria-pressable-style";
if (typeof document !== "undefined" && !document.getElementById(ID)) {
  const mark = document.createElement("meta");
  mark.id = ID;
  document.head.append(mark);
}
