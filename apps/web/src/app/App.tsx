import { RouterProvider } from "@tanstack/react-router";
import { router } from "./router.tsx";

/** The app: every place is a route; the root route decides between sign-in and the shell. */
export function App() {
  return <RouterProvider router={router} />;
}
