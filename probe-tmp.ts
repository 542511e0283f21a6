import { Session } from './src/views/session.js';
for (const f of ['bookworm-6.1','sid-7.2-host']) {
const s = Session.open(`dumps/${f}/vmcore.kdump`);
const k = s.kernel;
for (const t of ['struct inet_connection_sock','struct sock']) {
  const id = k.btf.resolve(k.findType(t)!);
  for (const m of k.btf.members(id)) if (m.name==='' ) { const mm = k.btf.members(k.btf.resolve(m.typeId)); if (mm.some(x=>/timer/.test(x.name))) console.log(f, t, m.bitOffset/8, mm.map(x=>x.name).join(',')); }
}
}
