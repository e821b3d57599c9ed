// Function names of a wasm module with its "name" section kept (cargo's own output, before
// wasm-bindgen and wasm-opt strip it). Used by tests/size.test.mjs to prove that no
// `core::fmt` code is linked, and handy with `node bench/names.mjs FILE` for a size profile.
import { readFileSync } from "node:fs";

/** `[{ name, size }]` of every defined function (size = body bytes). */
export function functionNames(file) {
  const b = readFileSync(file);
  let p = 8;
  const leb = () => {
    let r = 0, s = 0, x;
    do { x = b[p++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
    return r;
  };
  const skipName = () => { p += leb(); };
  let imported = 0;
  const sizes = [];
  const names = new Map();
  while (p < b.length) {
    const id = b[p++];
    const size = leb();
    const end = p + size;
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        skipName(); skipName();
        const kind = b[p++];
        if (kind === 0) { leb(); imported++; }
        else if (kind === 1) { p++; if (b[p++] & 1) { leb(); leb(); } else leb(); }
        else if (kind === 2) { if (b[p++] & 1) { leb(); leb(); } else leb(); }
        else if (kind === 3) p += 2;
        else if (kind === 4) { p++; leb(); }
      }
    } else if (id === 10) {
      for (let n = leb(); n > 0; n--) { const s = leb(); sizes.push(s); p += s; }
    } else if (id === 0) {
      const l = leb();
      const section = b.toString("utf8", p, p + l);
      p += l;
      while (section === "name" && p < end) {
        const sub = b[p++];
        const subEnd = leb() + p;
        if (sub === 1) {
          for (let n = leb(); n > 0; n--) {
            const index = leb();
            const len = leb();
            names.set(index, b.toString("utf8", p, p + len));
            p += len;
          }
        }
        p = subEnd;
      }
    }
    p = end;
  }
  return sizes.map((size, i) => ({ name: names.get(i + imported) ?? `#${i + imported}`, size }));
}

/** Whether a (mangled or demangled) symbol lives in `core::fmt`. */
export const isCoreFmt = (name) => /(^|[^0-9A-Za-z])_?(ZN)?4core3fmt|core(\[[0-9a-f]+\])?::fmt::|4core3fmt/.test(name);

if (process.argv[2]) {
  const fns = functionNames(process.argv[2]).sort((a, b) => b.size - a.size);
  for (const f of fns.slice(0, Number(process.argv[3] ?? 40))) console.log(`${f.size}\t${f.name}`);
}
