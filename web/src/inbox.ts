// 消息: the signed-in user's unread count and the notify service's live stream
// (/api/notify/inbox/stream, server-sent events). EventSource cannot send the bearer token,
// so the stream is read with fetch; it reconnects after the server ends it (limit or
// timeout) or the network drops, continuing after the last event id it saw. Each
// `notification` event's data is an inbox item (the document's InboxItem).
import { reactive } from "vue";
import { client, session, unwrap, type Schemas } from "./api";

export type InboxItem = Schemas["InboxItem"];

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
    inbox.unread = unwrap(await client.GET("/api/notify/inbox/unread-count")).unread;
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
  const item: InboxItem = JSON.parse(data.join("\n"));
  inbox.arrived += 1;
  if (!item.read && inbox.unread !== null) inbox.unread += 1;
  listeners.forEach((l) => l(item));
}

async function readStream(signal: AbortSignal): Promise<void> {
  const { data: body, response } = await client.GET("/api/notify/inbox/stream", {
    params: { query: { after: lastSeq ?? undefined } },
    headers: { Accept: "text/event-stream" },
    parseAs: "stream",
    signal,
  });
  if (!body) throw new Error(`stream ${response.status}`);
  inbox.live = true;
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
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
