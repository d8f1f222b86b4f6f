import { defineAgent } from 'openrtc';

// DELIBERATELY BAD: a synchronous "legacy calendar client". It busy-waits on the clock,
// holding the shared event loop for ~500 ms per caller turn; every other tenant's calls
// stutter meanwhile. The runtime marks these sessions slow and names the line below; the
// language server flags it before it ships. The fix is an async client (await a promise).
function lookUpCalendarSync(request: string): string {
  const until = Date.now() + 500;
  while (Date.now() < until) {
    // busy-wait: this is the loop block
  }
  return `Booked "${request}".`;
}

export default defineAgent({
  name: 'legacy-calendar',
  async entry(ctx) {
    ctx.say(String(ctx.tenantConfig.greeting ?? 'Hello!'));
    for await (const turn of ctx.userTurns()) {
      ctx.say(lookUpCalendarSync(turn));
      // Speaking the reply is async (it does not block); the call stays live meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
  },
});
