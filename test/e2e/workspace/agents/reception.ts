import { defineAgent } from 'openrtc';

// A healthy agent: answers each caller turn.
export default defineAgent({
  name: 'reception',
  async entry(ctx) {
    for await (const turn of ctx.userTurns()) await ctx.say(`You said: ${turn}`);
  },
});
