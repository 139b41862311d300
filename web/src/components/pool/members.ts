// A member added to a group, or the avoidance refusal the API answered instead. The typed
// client turns every refusal into an ApiError (message and fields only); a refusal for
// avoidance carries more, the reasons (violations) and the ranked replacements, so this
// call reads the 422's body itself through a client of the same generated paths.
import createClient from "openapi-fetch";
import { ApiError, type Schemas, type paths } from "../../api";
import { NETWORK_ERROR_ZH, toApiError } from "../../api/errors";
import { authFetch } from "../../api/session";

export type Group = Schemas["GroupRead"];
export type Role = Schemas["GroupRole"];

export interface Refusal {
  message: string;
  violations: Schemas["ViolationRead"][];
  replacements: Schemas["ReplacementRead"][];
}

export type Added = { group: Group; refusal: null } | { group: null; refusal: Refusal };

const raw = createClient<paths>({ fetch: authFetch });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isViolation(value: unknown): value is Schemas["ViolationRead"] {
  return isRecord(value) && typeof value.cadre_id === "string" && typeof value.message_zh === "string";
}

function isReplacement(value: unknown): value is Schemas["ReplacementRead"] {
  return isRecord(value) && typeof value.for_cadre_id === "string" && Array.isArray(value.candidates);
}

/** The reasons and replacements of an avoidance refusal, or null for any other answer. */
export function refusalOf(body: unknown): Refusal | null {
  if (!isRecord(body) || !Array.isArray(body.violations) || !Array.isArray(body.replacements)) return null;
  return {
    message: typeof body.message_zh === "string" ? body.message_zh : "回避审查未通过",
    violations: body.violations.filter(isViolation),
    replacements: body.replacements.filter(isReplacement),
  };
}

/** Add a cadre to a group (POST /groups/{id}/members): the group as it now is, or the
 * avoidance refusal; any other refusal rejects with an ApiError, as the typed client's do. */
export async function addMember(groupId: string, cadreId: string, role: Role): Promise<Added> {
  let answer;
  try {
    answer = await raw.POST("/api/planning/groups/{group_id}/members", {
      params: { path: { group_id: groupId } },
      body: { cadre_id: cadreId, role },
    });
  } catch {
    throw new ApiError(0, NETWORK_ERROR_ZH);
  }
  if (answer.data) return { group: answer.data, refusal: null };
  const refusal = answer.response.status === 422 ? refusalOf(answer.error) : null;
  if (refusal) return { group: null, refusal };
  throw await toApiError(
    new Response(JSON.stringify(answer.error ?? {}), {
      status: answer.response.status,
      headers: { "Content-Type": "application/problem+json" },
    }),
  );
}
