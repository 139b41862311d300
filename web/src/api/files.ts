// Files both ways, with progress: downloads (the API's XLSX exports, a letter's .docx) are
// asked through the typed client and read chunk by chunk; uploads (imports) go by
// XMLHttpRequest, the only way a browser reports upload progress, and answer the type the
// document gives the path.
import { ApiError, NETWORK_ERROR_ZH, toApiError } from "./errors";
import type { paths } from "./schema";
import { authHeaders, freshToken, recoverFrom401, session } from "./session";

function filenameFrom(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : fallback;
}

/** A download asked through the client with `parseAs: "stream"` (the body unread):
 * `() => client.GET("/api/findings/problems.xlsx", { params: { query }, parseAs: "stream" })`. */
export type DownloadRequest = () => Promise<{ data?: Response["body"]; response: Response }>;

/** Download a file, reporting progress (0–100, or null while the size is unknown); answers
 * the file's name (the API's Content-Disposition, else `fallbackName`). */
export async function download(
  request: DownloadRequest,
  fallbackName: string,
  onProgress: (percent: number | null, received: number) => void,
): Promise<string> {
  const { data: body, response } = await request();
  const size = Number(response.headers.get("Content-Length") ?? "0");
  const reader = body?.getReader();
  const chunks: BlobPart[] = [];
  let received = 0;
  onProgress(size ? 0 : null, 0);
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      onProgress(size ? Math.min(100, Math.round((received / size) * 100)) : null, received);
    }
  }
  onProgress(100, received);
  const name = filenameFrom(response.headers.get("Content-Disposition"), fallbackName);
  const blob = new Blob(chunks, {
    type: response.headers.get("Content-Type") ?? "application/octet-stream",
  });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

/** The paths that take a file as multipart (`file`), and what each answers. */
export type UploadPath = {
  [P in keyof paths]: paths[P] extends {
    post: { requestBody: { content: { "multipart/form-data": { file: string } } } };
  }
    ? P
    : never;
}[keyof paths];
type Json<A> = A extends { content: { "application/json": infer J } } ? J : never;
/** What a path answers once the file is taken: its 200 (a report) or 201 (a record). */
export type Uploaded<P extends UploadPath> = paths[P] extends { post: { responses: infer R } }
  ? R extends { 200: infer A }
    ? Json<A>
    : R extends { 201: infer C }
      ? Json<C>
      : never
  : never;

/** A path with its `{name}` parameters filled in. */
function filled(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (whole: string, name: string) =>
    name in params ? encodeURIComponent(params[name]) : whole,
  );
}

interface Sent {
  status: number;
  body: string;
  contentType: string | null;
}

/** Upload a file as multipart (`file`) to `path` (its `{name}` parameters from `params`),
 * reporting upload progress; the server's work after the last byte is the remaining step to
 * 100 %. A 401 renews the session and sends it again. */
export async function upload<P extends UploadPath>(
  path: P,
  file: File,
  onProgress: (percent: number, phase: "uploading" | "processing" | "done") => void,
  params: Record<string, string> = {},
): Promise<Uploaded<P>> {
  await freshToken();
  const used = session.token;
  const address = filled(path, params);
  let sent = await send(address, file, onProgress);
  if (sent.status === 401 && (await recoverFrom401(used))) sent = await send(address, file, onProgress);
  if (sent.status >= 200 && sent.status < 300) {
    onProgress(100, "done");
    // The body is the document's answer for this path (the client's own trust).
    const answer: Uploaded<P> = JSON.parse(sent.body);
    return answer;
  }
  throw await toApiError(
    new Response(sent.body || null, {
      status: sent.status,
      headers: { "Content-Type": sent.contentType ?? "application/json" },
    }),
  );
}

function send(
  path: string,
  file: File,
  onProgress: (percent: number, phase: "uploading" | "processing" | "done") => void,
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 90), "uploading");
    };
    xhr.upload.onload = () => onProgress(90, "processing");
    xhr.onerror = () => reject(new ApiError(0, NETWORK_ERROR_ZH));
    xhr.onload = () =>
      resolve({ status: xhr.status, body: xhr.responseText, contentType: xhr.getResponseHeader("Content-Type") });
    const form = new FormData();
    form.append("file", file);
    onProgress(0, "uploading");
    xhr.send(form);
  });
}
