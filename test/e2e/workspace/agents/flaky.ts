import { defineAgent } from 'openrtc';

// Always fails, like a tenant whose provider key was revoked.
export default defineAgent({
  name: 'flaky',
  async entry(ctx) {
    ctx.log.warn('calling the speech provider');
    throw new Error('provider rejected the API key (401)');
  },
});
