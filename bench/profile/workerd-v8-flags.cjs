// Reads workerd's binary config (as miniflare writes it to workerd's stdin), adds the V8 flags of
// PIM_WORKERD_V8_FLAGS (space-separated) to it, and writes it out. `workerd-v8-flags.sh` puts it
// between miniflare and workerd: partykit dev has no way to pass V8 flags.
const capnp = require("capnp-ts");

class Config extends capnp.Struct {
  initV8Flags(length) {
    return capnp.Struct.initList(2, capnp.TextList, length, this);
  }
  getV8Flags() {
    return capnp.Struct.getList(2, capnp.TextList, this);
  }
}
// Config in workerd.capnp: no data words, five pointers (services, sockets, v8Flags, extensions, autogates).
Config._capnp = { displayName: "Config", id: "8794486c76aaa7d6", size: new capnp.ObjectSize(0, 5) };

const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const input = Buffer.concat(chunks);
  const message = new capnp.Message(
    input.buffer.slice(input.byteOffset, input.byteOffset + input.length),
    false,
  );
  const config = message.getRoot(Config);
  const existing = config.getV8Flags().toArray();
  const flags = [...existing, ...(process.env.PIM_WORKERD_V8_FLAGS ?? "").split(/\s+/).filter(Boolean)];
  const list = config.initV8Flags(flags.length);
  for (const [i, flag] of flags.entries()) list.set(i, flag);
  process.stdout.write(Buffer.from(message.toArrayBuffer()));
});
