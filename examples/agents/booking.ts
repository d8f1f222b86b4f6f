import { defineAgent } from 'openrtc';

// Books appointments through the tenant's booking backend. When a tenant's backend is down
// (flaky-clinic in openrtc.json), every call fails: the runtime fails that session only, counts
// it for the tenant, and the tenant's circuit breaker opens; other tenants are unaffected.
async function checkAvailability(backend: unknown, request: string): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 100));
  if (backend === 'down') throw new Error('booking backend unreachable (ECONNREFUSED)');
  return `We have a slot for "${request}" on Friday at 10:00.`;
}

export default defineAgent({
  name: 'booking',
  async entry(ctx) {
    ctx.say(String(ctx.tenantConfig.greeting ?? 'Bookings.'));
    for await (const turn of ctx.userTurns()) {
      ctx.say(await checkAvailability(ctx.tenantConfig.booking_backend, turn));
    }
  },
});
