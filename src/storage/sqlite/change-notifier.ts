// This process's "deals as shoppers and /go see them changed" signal. The deals repository fires
// it after a feed snapshot commits, the sites repository after a site's status changes (a
// suspended site's deals stop listing and redirecting at once); both hand it to the same
// listeners (`DealsRepository.onRedirectTargetsChanged`), which empty the /go and listing caches.
export interface ChangeNotifier {
  /** Calls every listener; call it after the change has committed. */
  notify(): void;
  /** Adds a listener; returns a function that removes it. */
  listen(listener: () => void): () => void;
}

export function createChangeNotifier(): ChangeNotifier {
  const listeners = new Set<() => void>();
  return {
    notify() {
      for (const listener of listeners) listener();
    },
    listen(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
  };
}
