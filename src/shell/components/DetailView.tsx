// One browse level: its lines in a window of `height` lines around the selection, with the
// table's column header pinned on top once it has scrolled away.

import { Box, Text } from 'ink';
import { visibleLines, type Level } from '../browse.js';
import { RowList, fit } from './RowList.js';

export interface DetailViewProps {
  level: Level;
  /** Lines available for the view (including the pinned header). */
  height: number;
  width: number;
}

export function DetailView({ level, height, width }: DetailViewProps) {
  const vis = visibleLines(level.doc, level.filter);
  const body = Math.max(1, height - 1);
  const top = Math.min(Math.max(0, level.top), Math.max(0, vis.length - body));
  const window = vis.slice(top, top + body);
  const item = level.selected >= 0 ? level.doc.items[level.selected] : undefined;
  const headerIdx = item?.headerLine;
  const pinned =
    headerIdx !== undefined && !window.some((v) => v.index === headerIdx) ? level.doc.lines[headerIdx] : undefined;
  return (
    <Box flexDirection="column">
      {pinned ? (
        <Text bold wrap="truncate-end">
          {fit('  ' + pinned.text, width)}
        </Text>
      ) : null}
      {level.filter && !window.some((v) => v.line.item !== undefined) ? (
        <Text color="yellow">  no rows match '{level.filter}'</Text>
      ) : null}
      <RowList lines={window.map((v) => v.line)} selected={level.selected} width={width} />
    </Box>
  );
}
