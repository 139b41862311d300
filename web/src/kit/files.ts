// Attached files both ways, as every evidence panel offers them: files chosen (or taken with
// the camera) are uploaded one by one with progress, stopping at the first the API refuses
// (its refusal kept beside the file's name); an attached file downloads with progress. The
// panels differ in how they list the files and what an upload does next, not in this.
import { ref, type Ref } from "vue";
import { ApiError, download, type DownloadRequest } from "../api";
import { asApiError } from "./form";

export type UploadPhase = "uploading" | "processing" | "done";
export const PHASE_ZH: Record<UploadPhase, string> = { uploading: "上传中", processing: "识别保存中", done: "完成" };

export interface UploadOptions<T> {
  /** Sends one file to the API (through `upload`), reporting its progress. */
  upload: (file: File, onProgress: (percent: number, phase: UploadPhase) => void) => Promise<T>;
  /** One file stored. */
  onSent: (file: File, stored: T) => void;
  /** Before a batch (files chosen), and after it whatever became of it. */
  onStart?: () => void;
  onEnd?: () => void;
  /** The file inputs to clear after a batch (the same file can then be chosen again). */
  inputs: Ref<HTMLInputElement | null>[];
}

export function useUploads<T>(options: UploadOptions<T>) {
  const sending = ref<{ name: string; percent: number; phase: string } | null>(null);
  const refused = ref<{ name: string; error: ApiError } | null>(null) as Ref<{ name: string; error: ApiError } | null>;

  async function send(files: File[]): Promise<void> {
    if (sending.value || !files.length) return;
    refused.value = null;
    options.onStart?.();
    try {
      for (const file of files) {
        sending.value = { name: file.name, percent: 0, phase: PHASE_ZH.uploading };
        try {
          const stored = await options.upload(file, (percent, phase) => {
            sending.value = { name: file.name, percent, phase: PHASE_ZH[phase] };
          });
          options.onSent(file, stored);
        } catch (e) {
          refused.value = { name: file.name, error: asApiError(e) };
          break;
        }
      }
    } finally {
      sending.value = null;
      for (const input of options.inputs) if (input.value) input.value.value = "";
      options.onEnd?.();
    }
  }

  /** A file input's change: its files sent. */
  function chosen(event: Event): void {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.files) void send([...input.files]);
  }

  return { sending, refused, send, chosen };
}

/** An attached file's download with progress; one at a time. */
export function useFileDownload<F extends { sha256: string; filename: string }>(request: (file: F) => DownloadRequest) {
  const fetching = ref<{ sha: string; percent: number | null } | null>(null);
  const downloadError = ref<unknown>(null);

  async function fetchFile(file: F): Promise<void> {
    downloadError.value = null;
    fetching.value = { sha: file.sha256, percent: 0 };
    try {
      await download(request(file), file.filename, (percent) => {
        fetching.value = { sha: file.sha256, percent };
      });
    } catch (err) {
      downloadError.value = err;
    } finally {
      fetching.value = null;
    }
  }

  return { fetching, downloadError, fetchFile };
}
