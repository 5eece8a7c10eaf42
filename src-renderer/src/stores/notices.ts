// The messages above the workspace: errors stay until dismissed, information goes after a while.
import { createSignal } from 'solid-js';

export interface Notice {
  id: number;
  level: 'error' | 'info';
  text: string;
}

/** At most this many notices at once (the oldest go first). */
const MAX_NOTICES = 4;

export function createNotices(opts: { infoMs?: number } = {}) {
  const infoMs = opts.infoMs ?? 8000;
  const [notices, setNotices] = createSignal<Notice[]>([]);
  let nextId = 1;

  const dismiss = (id: number) => setNotices((n) => n.filter((x) => x.id !== id));

  const notify = (level: Notice['level'], message: string) => {
    // Messages from the engine and the server start in lower case; the banner shows sentences.
    const text = message.charAt(0).toUpperCase() + message.slice(1);
    const id = nextId++;
    // The same text again replaces the older one rather than stacking.
    setNotices((n) => [...n.filter((x) => x.text !== text), { id, level, text }].slice(-MAX_NOTICES));
    if (level === 'info') setTimeout(() => dismiss(id), infoMs);
  };

  return { notices, notify, dismiss };
}

export type Notices = ReturnType<typeof createNotices>;
/** How stores report a problem or a piece of news to the user. */
export type Notify = Notices['notify'];
