// A window of browse lines: the selected row (all its lines) highlighted, a marker in front.

import { Box, Text } from 'ink';
import type { BrowseLine } from '../browse.js';

export interface RowListProps {
  lines: BrowseLine[];
  /** Item index of the selected row, -1 for none. */
  selected: number;
  width: number;
}

export function RowList({ lines, selected, width }: RowListProps) {
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => {
        const isSel = selected >= 0 && l.item === selected;
        const marker = isSel ? '› ' : '  ';
        const body = fit(marker + l.text, width);
        if (isSel) {
          return (
            <Text key={i} inverse wrap="truncate-end">
              {body}
            </Text>
          );
        }
        return (
          <Text key={i} wrap="truncate-end" bold={l.header}>
            {body || ' '}
          </Text>
        );
      })}
    </Box>
  );
}

/** One terminal line: cut to the width (tabs would break the count, so they become spaces). */
export function fit(s: string, width: number): string {
  const t = s.replace(/\t/g, '  ');
  return t.length > width ? t.slice(0, Math.max(1, width - 1)) + '…' : t;
}
