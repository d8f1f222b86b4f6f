import { defineAgent } from 'openrtc';

// A well-behaved front-desk agent: greets, then answers each caller turn after a short,
// non-blocking "thinking" pause (so calls overlap and caps are visible).
export default defineAgent({
  name: 'reception',
  async entry(ctx) {
    const greeting = String(ctx.tenantConfig.greeting ?? 'Hello!');
    ctx.say(greeting);
    for await (const turn of ctx.userTurns()) {
      await new Promise((resolve) => setTimeout(resolve, 800));
      ctx.log.info('caller said %j', turn);
      ctx.say(`Noted: ${turn}.`);
    }
  },
});
