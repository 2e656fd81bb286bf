/** What every axe audit of the widget checks: WCAG 2.2 A and AA, with axe's best-practice and experimental rules on top. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice', 'experimental'];
