import { defineAgent } from 'openrtc';

function crunch(ms: number): number {
  const until = Date.now() + ms;
  let x = 0;
  while (Date.now() < until) x = (x * 31 + 7) % 1000003; // blocks the shared loop
  return x;
}

// Blocks the loop for 300 ms on every caller turn.
export default defineAgent({
  name: 'slowpoke',
  async entry(ctx) {
    for await (const turn of ctx.userTurns()) {
      crunch(300);
      ctx.say(`done: ${turn}`);
    }
  },
});
