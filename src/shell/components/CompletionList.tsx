// The Tab candidates under the prompt: a window of up to 8, the one in the line highlighted.

import { Box, Text } from 'ink';
import { menuWindow, type CompletionMenu } from '../complete.js';

export const MENU_SIZE = 8;

export function CompletionList({ menu, width }: { menu: CompletionMenu; width: number }) {
  const { first, items } = menuWindow(menu, MENU_SIZE);
  const all = menu.completion.candidates.length;
  const more = menu.completion.total - all;
  return (
    <Box flexDirection="column" marginLeft={2}>
      {items.map((c, i) =>
        first + i === menu.index ? (
          <Text key={c} inverse wrap="truncate-end">
            {' ' + c.slice(0, width - 4) + ' '}
          </Text>
        ) : (
          <Text key={c} wrap="truncate-end">
            {' ' + c.slice(0, width - 4)}
          </Text>
        ),
      )}
      <Text dimColor wrap="truncate-end">
        {`${menu.index < 0 ? `${all} match${all === 1 ? '' : 'es'}` : `${menu.index + 1}/${all}`}${more > 0 ? ` (+${more} more: type to narrow)` : ''} · Tab/↓ next · Shift-Tab/↑ previous · Esc cancel`}
      </Text>
    </Box>
  );
}
