// The letter-template routes of the three services that write letters (findings: 提醒函,
// 建议书, 督办函; clues: 线索办理提醒函, 督办函; rectification: 约谈通知书). Their paths differ
// only in the service, so one typed call serves all three.
import { client, unwrap, type DownloadRequest, type Schemas } from "../../api";

export type Service = "findings" | "clues" | "rectification";
export type Template = Schemas["LetterTemplateRead"];

export const SERVICE_ZH: Record<Service, string> = {
  findings: "发现问题（函件）",
  clues: "问题线索（提醒函、督办函）",
  rectification: "整改（约谈通知书）",
};

/** If-Match for a template: its version, or "0" while the default is in use (so replacing
 * the default refuses when someone replaced it meanwhile). */
const expecting = (t: Template) => ({ "If-Match": `"${t.version ?? 0}"` });

export async function listTemplates(s: Service): Promise<Template[]> {
  return unwrap(await client.GET(`/api/${s}/letter-templates`)).items;
}

export function current(s: Service, kind: string): DownloadRequest {
  return () => client.GET(`/api/${s}/letter-templates/{kind}`, { params: { path: { kind } }, parseAs: "stream" });
}

export function sample(s: Service, kind: string): DownloadRequest {
  return () =>
    client.GET(`/api/${s}/letter-templates/{kind}/sample`, { params: { path: { kind } }, parseAs: "stream" });
}

/** Replace the template with an uploaded .docx (multipart `file`; the service checks it
 * renders a sample letter with its 文号 and title). */
export async function replace(s: Service, t: Template, file: File): Promise<Template> {
  return unwrap(
    await client.PUT(`/api/${s}/letter-templates/{kind}`, {
      params: { path: { kind: t.kind }, header: expecting(t) },
      // The typed body names the part; the request sends the file itself as multipart.
      body: { file: file.name },
      bodySerializer: () => {
        const form = new FormData();
        form.append("file", file, file.name);
        return form;
      },
    }),
  );
}

export async function restore(s: Service, t: Template): Promise<void> {
  await client.DELETE(`/api/${s}/letter-templates/{kind}`, {
    params: { path: { kind: t.kind }, header: expecting(t) },
  });
}
