// Which tenant sections are on screen. Drawing 1 h of points for 20 tenants every second cost the
// page ~0.8 s a redraw on a loaded host, while a viewport shows two or three of them: sections off
// screen skip their charts' redraws and are drawn when they scroll into view. A section nobody
// has reported on yet counts as on screen, so a first frame (and a capture) draws everything.
export class OnScreen {
  private readonly off = new WeakSet<Element>();
  private readonly observer: IntersectionObserver;

  /** `shown` runs for each watched element that scrolls into view (the margin draws it just before). */
  constructor(shown: (target: Element) => void) {
    this.observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (e.isIntersecting) {
            this.off.delete(e.target);
            shown(e.target);
          } else this.off.add(e.target);
        }
      },
      { rootMargin: '200px 0px' },
    );
  }

  watch(target: Element): void {
    this.observer.observe(target);
  }

  forget(target: Element): void {
    this.observer.unobserve(target);
    this.off.delete(target);
  }

  has(target: Element): boolean {
    return !this.off.has(target);
  }
}
