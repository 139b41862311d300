// The API layer (see client.ts): import from "../api".
export type { Area, Me } from "./accounts";
export { enrollTotp } from "./accounts";
export { allPages, client, unwrap, type Page, type QueryOf, type Schemas, type components, type paths } from "./client";
export { ApiError } from "./errors";
export { download, upload, type DownloadRequest, type UploadPath, type Uploaded } from "./files";
export { flag, manyOf, number, oneOf, text } from "./query";
export { loadProfile, onSessionExpired, restoreSession, session, signIn, signOut, signOutEverywhere } from "./session";
