// 消息: the signed-in user's unread count and the notify service's live stream
// (/api/notify/inbox/stream, server-sent events). EventSource cannot send the bearer token,
// so the stream is read with fetch; it reconnects after the server ends it (limit or
// timeout) or the network drops, continuing after the last event id it saw.
import { reactive } from "vue";
import { api, session } from "./api";

export interface InboxItem extends Record<string, unknown> {
  id: string;
  seq: number;
  event_type: string;
  event_title: string;
  title: string;
  body: string;
  link: string;
  created_at: string;
  read: boolean;
  read_at: string | null;
}

export const inbox = reactive<{ unread: number | null; live: boolean; arrived: number }>({
  unread: null,
  live: false,
  arrived: 0,
});

type Listener = (item: InboxItem) => void;
const listeners = new Set<Listener>();

/** Called for every notification that arrives live; returns the unsubscribe. */
export function onNotification(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function refreshUnread(): Promise<void> {
  try {
    inbox.unread = (await api<{ unread: number }>("/api/notify/inbox/unread-count")).unread;
  } catch {
    inbox.unread = null;
  }
}

let controller: AbortController | null = null;
let lastSeq: number | null = null;

function dispatch(block: string): void {
  let event = "message";
  const data: string[] = [];
  let id: string | null = null;
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const [field, ...rest] = line.split(":");
    const value = rest.join(":").replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = value;
  }
  if (id && /^\d+$/.test(id)) lastSeq = Number(id);
  if (event !== "notification" || !data.length) return;
  const item = JSON.parse(data.join("\n")) as InboxItem;
  inbox.arrived += 1;
  if (!item.read && inbox.unread !== null) inbox.unread += 1;
  listeners.forEach((l) => l(item));
}

async function readStream(signal: AbortSignal): Promise<void> {
  const query = lastSeq !== null ? `?after=${lastSeq}` : "";
  const response = await fetch(`/api/notify/inbox/stream${query}`, {
    headers: { Accept: "text/event-stream", Authorization: `Bearer ${session.token ?? ""}` },
    signal,
  });
  if (!response.ok || !response.body) throw new Error(`stream ${response.status}`);
  inbox.live = true;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n/g, "\n");
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      dispatch(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
    }
  }
}

/** Start (or restart for a new sign-in) the unread count and the live stream. */
export function startInbox(): void {
  stopInbox();
  if (!session.token) return;
  const ctrl = new AbortController();
  controller = ctrl;
  lastSeq = null;
  void refreshUnread();
  void (async () => {
    while (!ctrl.signal.aborted) {
      try {
        await readStream(ctrl.signal);
      } catch {
        // A refusal or a dropped connection: wait, then try again.
      }
      inbox.live = false;
      if (ctrl.signal.aborted) break;
      await new Promise((resolve) => setTimeout(resolve, 3000));
      void refreshUnread();
    }
  })();
}

export function stopInbox(): void {
  controller?.abort();
  controller = null;
  inbox.live = false;
  inbox.unread = null;
}
