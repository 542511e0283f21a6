// The live prompt: `xportshow> ` and the line being edited with its cursor, the Tab
// candidates under it, and a hint line. Keys are handled by the App (hooks/useLineEditor.ts).

import { Box, Text } from 'ink';
import type { CompletionMenu } from '../complete.js';
import { CompletionList } from './CompletionList.js';

export const PROMPT = 'xportshow> ';

export interface PromptProps {
  value: string;
  cursor: number;
  menu?: CompletionMenu;
  hint?: string;
  width: number;
}

export function Prompt({ value, cursor, menu, hint, width }: PromptProps) {
  return (
    <Box flexDirection="column">
      <Box>
        <Text color="green" bold>
          {PROMPT}
        </Text>
        <Text>
          {value.slice(0, cursor)}
          <Text inverse>{value[cursor] ?? ' '}</Text>
          {value.slice(cursor + 1)}
        </Text>
      </Box>
      {menu ? <CompletionList menu={menu} width={width} /> : null}
      {!menu && hint ? (
        <Text dimColor wrap="truncate-end">
          {hint}
        </Text>
      ) : null}
    </Box>
  );
}
