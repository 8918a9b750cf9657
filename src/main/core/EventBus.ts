import type { AppEvent } from '../../shared/contract/events';

type Listener = (event: AppEvent) => void;

/** Fan-out of main-process events to every door (IPC, WebSocket, CLI progress). */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit(event: AppEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken door must not stop the others from hearing the event.
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
