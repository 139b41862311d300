// The API layer (see client.ts): import from "../api".
export { allPages, client, unwrap, type Page, type QueryOf, type Schemas, type components, type paths } from "./client";
export { ApiError, UNAUTHORIZED_EVENT } from "./errors";
export { download, upload, type DownloadRequest } from "./files";
export { flag, manyOf, number, oneOf, text } from "./query";
export { restoreSession, session, signIn, signOut, type Claims } from "./session";
