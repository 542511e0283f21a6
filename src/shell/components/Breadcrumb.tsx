// Where browse mode is: the command that produced the list, then each opened row's title.
//   tcp › 127.0.0.1:9165 › pid 5827 sshd

import { Text } from 'ink';

export const CRUMB_SEPARATOR = ' › ';

export function Breadcrumb({ parts, width }: { parts: string[]; width: number }) {
  // Drop the oldest parts (not the newest) when the trail is wider than the terminal.
  let shown = parts;
  while (shown.length > 1 && shown.join(CRUMB_SEPARATOR).length > width - 2) shown = shown.slice(1);
  const cut = shown.length < parts.length;
  return (
    <Text wrap="truncate-end">
      {cut ? <Text dimColor>…{CRUMB_SEPARATOR}</Text> : null}
      {shown.map((p, i) => (
        <Text key={i}>
          {i > 0 ? <Text dimColor>{CRUMB_SEPARATOR}</Text> : null}
          {i === shown.length - 1 ? (
            <Text bold color="cyan">
              {p}
            </Text>
          ) : (
            <Text dimColor>{p}</Text>
          )}
        </Text>
      ))}
    </Text>
  );
}
