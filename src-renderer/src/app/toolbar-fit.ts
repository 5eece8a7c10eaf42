// Keeping the toolbar on one line: when its items do not fit, the least used groups move into the
// "More" menu one by one (the brand goes first), and come back when there is room again. Groups are
// the toolbar's children marked with data-group; their widths are remembered while they are in the
// bar, so bringing one back is decided without taking anything out of the bar (an open menu stays
// open while the toolbar's text changes).

function gapOf(bar: HTMLElement): number {
  return parseFloat(getComputedStyle(bar).columnGap) || 0;
}

/** The toolbar's children that take room in the line. */
function items(bar: HTMLElement): HTMLElement[] {
  return [...bar.children].filter((el): el is HTMLElement => el instanceof HTMLElement && el.offsetParent !== null && getComputedStyle(el).position !== 'absolute');
}

/** Width the items need side by side, with the gaps between them (the spacer needs only its gaps). */
export function neededWidth(bar: HTMLElement): number {
  const list = items(bar);
  const widths = list.map((el) => (el.classList.contains('spacer') ? 0 : el.getBoundingClientRect().width));
  return widths.reduce((a, b) => a + b, 0) + gapOf(bar) * Math.max(0, list.length - 1);
}

export function availableWidth(bar: HTMLElement): number {
  const cs = getComputedStyle(bar);
  return bar.clientWidth - (parseFloat(cs.paddingLeft) || 0) - (parseFloat(cs.paddingRight) || 0);
}

/** Width of each group now in the bar, gaps included (one gap per element). */
function groupWidths(bar: HTMLElement): Map<string, number> {
  const gap = gapOf(bar);
  const out = new Map<string, number>();
  for (const el of items(bar)) {
    const g = el.dataset.group;
    if (g) out.set(g, (out.get(g) ?? 0) + el.getBoundingClientRect().width + gap);
  }
  return out;
}

export class ToolbarFit {
  private readonly widths = new Map<string, number>();

  /**
   * @param groups the groups in the order they give way
   * @param apply shows the first `n` groups collapsed; must update the bar synchronously (a Solid
   *   signal set outside a batch does)
   * @param menuFrom the number of collapsed groups from which the "More" menu shows
   */
  constructor(
    private readonly groups: readonly string[],
    private readonly apply: (n: number) => void,
    private readonly menuFrom: number,
  ) {}

  /** Collapses as few groups as fit the bar, starting from `n` collapsed now; returns the new count. */
  fit(bar: HTMLElement, n: number): number {
    const overflows = () => neededWidth(bar) > availableWidth(bar) + 0.5;
    const remember = () => groupWidths(bar).forEach((w, g) => this.widths.set(g, w));
    remember();
    while (n < this.groups.length && overflows()) {
      this.apply(++n);
      remember();
    }
    const more = bar.querySelector<HTMLElement>('[data-group="more"]');
    while (n > 0) {
      const back = this.widths.get(this.groups[n - 1]);
      if (back === undefined) break;
      // The "More" menu goes away with the last group in it.
      const freed = n - 1 < this.menuFrom && more ? more.getBoundingClientRect().width + gapOf(bar) : 0;
      if (neededWidth(bar) + back - freed > availableWidth(bar) + 0.5) break;
      this.apply(--n);
      if (overflows()) {
        this.apply(++n);
        break;
      }
      remember();
    }
    return n;
  }
}
