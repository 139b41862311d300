// The public's calls (网上举报): no session, no Authorization header, even when someone is
// signed in on the same browser. The announcement, a report's submission and a status
// lookup by receipt code; the API limits how often one address may call (429 with
// Retry-After) and receives reports only while the groups are on site (409).
import { ApiError, unwrap, type Schemas, type paths } from "../../api";
import { createTypedClient } from "../../api/typed";

export type Announcement = Schemas["AnnouncementRead"];
export type Receipt = Schemas["Receipt"];
export type PublicStatus = Schemas["PublicStatus"];
/** What a member of the public sends (the document gives it inline, not as a schema). */
export type Submission =
  paths["/api/findings/public/rounds/{round_id}/reports"]["post"]["requestBody"]["content"]["application/json"];

const anonymous = createTypedClient((request) => fetch(request));

export const PUBLIC_STATUS_ZH: Record<PublicStatus, string> = {
  received: "已受理",
  handling: "办理中",
  closed: "已办结",
};

export const PUBLIC_STATUS_HINT: Record<PublicStatus, string> = {
  received: "您的反映已登记，巡察组将按规定分办。",
  handling: "您的反映已分办，正在办理。",
  closed: "您的反映已办理完毕。",
};

/** A refusal in words for the public: the round's stage and the rate limit are said plainly
 * (not as the field a form has no input for); field faults are kept for their inputs. */
function plainly(e: unknown): unknown {
  if (!(e instanceof ApiError)) return e;
  if (e.status === 409) {
    const later = e.is("round-stage-pending");
    return new ApiError(
      409,
      later
        ? "网上举报尚未开始受理（巡察组进驻后开始），请稍后再试。"
        : "巡察组目前不在进驻期间，网上举报暂不受理；可通过公告中的电话、信箱或来访地址反映。",
      null,
      e.type,
      [],
      e.retryAfter,
    );
  }
  if (e.status === 429) {
    const wait = e.retryAfter ? `请 ${e.retryAfter} 秒后再试` : "请稍后再试";
    return new ApiError(429, `操作过于频繁，${wait}。`, null, e.type, [], e.retryAfter);
  }
  if (e.status === 413) return new ApiError(413, "内容过长，请精简后再提交。", "content", e.type, [], null);
  return e;
}

/** The round's announcement (404 while none is published). */
export async function announcement(roundId: string): Promise<Announcement> {
  return unwrap(
    await anonymous.GET("/api/findings/public/rounds/{round_id}/announcement", {
      params: { path: { round_id: roundId } },
    }),
  );
}

/** Sends a report. The API keeps no reply to replay (the receipt code is never stored), so
 * the form sends once at a time: a second tap while one is on its way does nothing. */
export async function submitReport(roundId: string, body: Submission): Promise<Receipt> {
  try {
    return unwrap(
      await anonymous.POST("/api/findings/public/rounds/{round_id}/reports", {
        params: { path: { round_id: roundId } },
        body,
      }),
    );
  } catch (e) {
    throw plainly(e);
  }
}

/** A report's status by its receipt code (404 for a code that is not known). */
export async function statusOf(receiptCode: string): Promise<PublicStatus> {
  try {
    return unwrap(await anonymous.POST("/api/findings/public/report-status", { body: { receipt_code: receiptCode } }))
      .status;
  } catch (e) {
    throw plainly(e);
  }
}

/** The public page's address for a round, as printed on the poster. */
export function publicUrl(roundId: string): string {
  return new URL(`/public/rounds/${encodeURIComponent(roundId)}`, window.location.origin).href;
}
