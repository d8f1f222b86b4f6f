import { defineAgent } from 'openrtc';

// Healthy: answers every caller turn.
export default defineAgent({
  name: 'reception',
  async entry(ctx) {
    ctx.log.info('reception call for %s', ctx.tenant);
    for await (const turn of ctx.userTurns()) ctx.say(`You said: ${turn}`);
  },
});
