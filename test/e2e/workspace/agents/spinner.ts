import { defineAgent } from 'openrtc';

function spin(ms: number): void {
  for (const end = Date.now() + ms; Date.now() < end; ); // holds the shared loop for the whole turn
}

// Each caller turn is how many milliseconds to block the loop (at most 20 s).
export default defineAgent({
  name: 'spinner',
  async entry(ctx) {
    for await (const turn of ctx.userTurns()) {
      spin(Math.min(20_000, Number(turn) || 0));
      ctx.say(`spun ${turn} ms`);
    }
  },
});
