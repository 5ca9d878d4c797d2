// The screen readers' live region (#chat-live, aria-live="polite"): each
// announcement is a paragraph of its own, read out when it is added. Old
// paragraphs are removed so the hidden region stays short, but only once they
// have been there for KEEP_MS: a line removed in the moment it was added is
// never read out. That happened when the connection came back: "De verbinding
// is hersteld." and at once the three bubbles of the answer to the queued
// message, which pushed it out of a region that kept only the last three lines.

/** How long an announcement stays in the region at least (ms). */
export const KEEP_MS = 10000;
/** How many of the newest announcements stay, however old. */
export const KEEP_LINES = 3;

/**
 * How many of the oldest announcements to remove now.
 * @param {number[]} addedAt when each announcement was added (ms), oldest first
 * @param {number} now the time now (ms)
 * @returns {number} the number to remove from the start
 */
export function staleCount(addedAt, now) {
  let stale = 0;
  while (addedAt.length - stale > KEEP_LINES && now - addedAt[stale] >= KEEP_MS) {
    stale += 1;
  }
  return stale;
}

/**
 * Makes the function that announces a line in the live region.
 * @param {HTMLElement} region the aria-live element
 * @param {() => number} clock the time now (ms)
 * @returns {(line: string) => void}
 */
export function announcer(region, clock = Date.now) {
  return (line) => {
    const element = region.ownerDocument.createElement("p");
    element.textContent = line;
    element.dataset.at = String(clock());
    region.appendChild(element);
    const children = Array.from(region.children);
    const stale = staleCount(children.map((child) => Number(/** @type {HTMLElement} */ (child).dataset.at) || 0), clock());
    for (const child of children.slice(0, stale)) {
      child.remove();
    }
  };
}
