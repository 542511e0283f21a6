// `sock ADDR`: everything about one socket (the drill-down view, as text).

import { parseAddress, type Command } from '../command.js';
import { socketDetailView } from '../socket-view.js';

export const sockCommand: Command = {
  name: 'sock',
  synopsis: 'sock ADDR',
  summary: "one socket in full: details, owners, queues, accept/SYN queues, user_data, peer",
  examples: ['sock ffff8d6b02d35100'],
  complete: (s, i) => (i === 0 ? s.recent.sockets : []),
  run: (s, inv) => socketDetailView(s, parseAddress(s, inv.args[0], 'socket address')).output,
};
