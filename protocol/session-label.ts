// How a session id is shown where space is short (the tree, `openrtc top`). Ids of one runtime
// share their start (a per-process prefix), so a cut id keeps its end, which tells them apart.

/** Runtime ids (`SES_` + 8 + 6 characters) fit whole. */
export const SESSION_LABEL_WIDTH = 18;

export function sessionIdLabel(id: string, width = SESSION_LABEL_WIDTH): string {
  return id.length > width ? `…${id.slice(-(width - 1))}` : id;
}
