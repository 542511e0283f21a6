// The live prompt: `xportshow> ` and the line being edited (ink-text-input), the Tab
// candidates under it, and a hint line. Keys beyond editing are handled by the App.

import { Box, Text } from 'ink';
import TextInput from 'ink-text-input';
import type { CompletionMenu } from '../complete.js';
import { CompletionList } from './CompletionList.js';

export const PROMPT = 'xportshow> ';

export interface PromptProps {
  value: string;
  /** Changes whenever the line is set from outside: remounting puts the cursor at the end. */
  inputKey: number;
  onChange: (v: string) => void;
  onSubmit: (v: string) => void;
  menu?: CompletionMenu;
  hint?: string;
  width: number;
}

export function Prompt({ value, inputKey, onChange, onSubmit, menu, hint, width }: PromptProps) {
  return (
    <Box flexDirection="column">
      <Box>
        <Text color="green" bold>
          {PROMPT}
        </Text>
        <TextInput key={inputKey} value={value} onChange={onChange} onSubmit={onSubmit} />
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
