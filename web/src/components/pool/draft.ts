// A cadre as the form edits it (strings for every input), and the request bodies made from
// it: a create's CadreCreate, an edit's CadreUpdate with only what changed.
import { oneOf, type Schemas } from "../../api";
import { SPECIALTY_ZH } from "./labels";

export type Cadre = Schemas["CadreRead"];

export interface PostDraft {
  org_id: string;
  org_name: string | null;
  title: string;
  started_on: string;
  ended_on: string;
}

export interface RelativeDraft {
  org_id: string;
  org_name: string | null;
  relation: string;
}

export interface CadreDraft {
  code: string;
  name: string;
  unit_org_id: string;
  unit_name: string;
  specialties: string[];
  home_township_id: string;
  available: boolean;
  account: string;
  phone: string;
  posts: PostDraft[];
  relatives: RelativeDraft[];
}

export const MAX_ROWS = 50;

/** Every field the form shows an input for, the rows' included (`posts.3.title`), so the
 * API's faults for them are shown in place and not repeated above. */
export const CADRE_FIELDS: readonly string[] = [
  "code",
  "name",
  "unit_org_id",
  "unit_name",
  "specialties",
  "home_township_id",
  "available",
  "account",
  "phone",
  "posts",
  "relatives",
  ...Array.from({ length: 9 }, (_, i) => `specialties.${i}`),
  ...Array.from({ length: MAX_ROWS }, (_, i) =>
    ["org_id", "title", "started_on", "ended_on"].map((f) => `posts.${i}.${f}`),
  ).flat(),
  ...Array.from({ length: MAX_ROWS }, (_, i) => ["org_id", "relation"].map((f) => `relatives.${i}.${f}`)).flat(),
];

/** The fields compared when someone else saved the cadre meanwhile (a 412). */
export const CADRE_LABELS: Record<string, string> = {
  name: "姓名",
  unit_name: "工作单位",
  specialties: "专业领域",
  home_township_name: "家乡乡镇",
  available: "是否可抽调",
  account: "平台账号",
  phone: "联系电话",
};

export function draftOf(c: Cadre | null | undefined): CadreDraft {
  return {
    code: c?.code ?? "",
    name: c?.name ?? "",
    unit_org_id: c?.unit_org_id ?? "",
    // A unit from the registry is named by it; the text is for a unit the registry lacks.
    unit_name: c && !c.unit_org_id ? c.unit_name : "",
    specialties: [...(c?.specialties ?? [])],
    home_township_id: c?.home_township_id ?? "",
    available: c?.available ?? true,
    account: c?.account ?? "",
    phone: c?.phone ?? "",
    posts: (c?.posts ?? []).map((p) => ({
      org_id: p.org_id,
      org_name: p.org_name,
      title: p.title,
      started_on: p.started_on,
      ended_on: p.ended_on ?? "",
    })),
    relatives: (c?.relatives ?? []).map((r) => ({ org_id: r.org_id, org_name: r.org_name, relation: r.relation })),
  };
}

const orNull = (s: string): string | null => (s.trim() ? s.trim() : null);

function specialties(d: CadreDraft): Schemas["Specialty"][] {
  return d.specialties.flatMap((s) => {
    const known = oneOf(SPECIALTY_ZH, s);
    return known ? [known] : [];
  });
}

function posts(d: CadreDraft): Schemas["CadrePostIn"][] {
  return d.posts.map((p) => ({
    org_id: p.org_id,
    title: p.title.trim(),
    started_on: p.started_on,
    ended_on: orNull(p.ended_on),
  }));
}

function relatives(d: CadreDraft): Schemas["CadreRelativeIn"][] {
  return d.relatives.map((r) => ({ org_id: r.org_id, relation: r.relation.trim() }));
}

export function createBody(d: CadreDraft): Schemas["CadreCreate"] {
  return {
    code: d.code.trim(),
    name: d.name.trim(),
    unit_org_id: orNull(d.unit_org_id),
    unit_name: orNull(d.unit_name),
    specialties: specialties(d),
    home_township_id: orNull(d.home_township_id),
    available: d.available,
    account: orNull(d.account),
    phone: orNull(d.phone),
    posts: posts(d),
    relatives: relatives(d),
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** What the edit changes of `before`; an empty body when nothing changed. */
export function updateBody(d: CadreDraft, before: Cadre): Schemas["CadreUpdate"] {
  const was = draftOf(before);
  const body: Schemas["CadreUpdate"] = {};
  if (d.name.trim() !== before.name) body.name = d.name.trim();
  if (d.unit_org_id !== was.unit_org_id) body.unit_org_id = orNull(d.unit_org_id);
  if (d.unit_name.trim() && d.unit_name.trim() !== before.unit_name) body.unit_name = d.unit_name.trim();
  if (!same(specialties(d), before.specialties)) body.specialties = specialties(d);
  if (d.home_township_id !== was.home_township_id) body.home_township_id = orNull(d.home_township_id);
  if (d.available !== before.available) body.available = d.available;
  if (d.account.trim() !== was.account) body.account = orNull(d.account);
  if (d.phone.trim() !== was.phone) body.phone = orNull(d.phone);
  if (!same(posts(d), posts(was))) body.posts = posts(d);
  if (!same(relatives(d), relatives(was))) body.relatives = relatives(d);
  return body;
}
