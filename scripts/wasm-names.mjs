// Short link names between a wasm module and its wasm-bindgen glue. wasm-bindgen names
// each import `__wbg_<name>_<16 hex digits>` and each closure shim
// `wasm_bindgen__convert__closures_____invoke__h<16 hex digits>`, and every name is
// written twice (in the wasm and in the glue); random hex does not compress, so the names
// cost about as much as the code of the glue. Users never see them: the glue is the only
// reader. This renames the imports (and their module, "./<name>_bg.js") and the
// internal exports (wasm-bindgen's `__…` and `wasm_bindgen__…`) to short names; the API
// exports (`triggerSync`, …) and `memory` keep theirs.
//
// shortenLinkNames(wasmBytes, glueText, dtsTexts) → { wasm, glue, dts }

/** Short identifiers: a, b, …, z, A, …, Z, aa, ab, … (never a JS keyword at these lengths). */
function shortName(i) {
  const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let s = "";
  do {
    s = chars[i % chars.length] + s;
    i = Math.floor(i / chars.length) - 1;
  } while (i >= 0);
  return s === "do" || s === "if" || s === "in" ? `_${s}` : s;
}

function leb(buf, p) {
  let r = 0, s = 0, x;
  do {
    x = buf[p++];
    r += (x & 0x7f) * 2 ** s;
    s += 7;
  } while (x & 0x80);
  return [r, p];
}

function encodeLeb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}

const encodeName = (s) => Buffer.concat([encodeLeb(Buffer.byteLength(s)), Buffer.from(s)]);

/** Copies an import's description (after its names), returning its end. */
function skipImportDesc(buf, p) {
  const kind = buf[p++];
  const limits = () => {
    const flags = buf[p++];
    [, p] = leb(buf, p);
    if (flags & 1) [, p] = leb(buf, p);
  };
  if (kind === 0) [, p] = leb(buf, p); // function: type index
  else if (kind === 1) { p++; limits(); } // table: reftype, limits
  else if (kind === 2) limits(); // memory
  else if (kind === 3) p += 2; // global: valtype, mutability
  else if (kind === 4) { p++; [, p] = leb(buf, p); } // tag
  else throw new Error(`unknown import kind ${kind}`);
  return p;
}

function skipExportDesc(buf, p) {
  p++; // kind
  [, p] = leb(buf, p);
  return p;
}

/** Rewrites the import (id 2) and export (id 7) sections; `rename(kind, module, name)`. */
function rewrite(wasm, renameImport, renameExport) {
  const parts = [wasm.subarray(0, 8)];
  let p = 8;
  while (p < wasm.length) {
    const start = p;
    const id = wasm[p++];
    let size;
    [size, p] = leb(wasm, p);
    const end = p + size;
    if (id === 2 || id === 7) {
      let count;
      [count, p] = leb(wasm, p);
      const entries = [encodeLeb(count)];
      for (let i = 0; i < count; i++) {
        let len;
        let module;
        if (id === 2) {
          [len, p] = leb(wasm, p);
          module = wasm.toString("utf8", p, p + len);
          p += len;
        }
        [len, p] = leb(wasm, p);
        const name = wasm.toString("utf8", p, p + len);
        p += len;
        const descStart = p;
        p = id === 2 ? skipImportDesc(wasm, p) : skipExportDesc(wasm, p);
        const desc = wasm.subarray(descStart, p);
        if (id === 2) {
          const [m, n] = renameImport(module, name);
          entries.push(encodeName(m), encodeName(n), desc);
        } else {
          entries.push(encodeName(renameExport(name)), desc);
        }
      }
      if (p !== end) throw new Error(`section ${id}: parsed ${p - start} of ${end - start} bytes`);
      const body = Buffer.concat(entries);
      parts.push(Buffer.from([id]), encodeLeb(body.length), body);
    } else {
      parts.push(wasm.subarray(start, end));
    }
    p = end;
  }
  return Buffer.concat(parts);
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function shortenLinkNames(wasm, glue, dts = []) {
  const imports = new Map();
  const exports = new Map();
  let moduleName;
  let next = 0;
  const out = rewrite(
    wasm,
    (module, name) => {
      if (moduleName !== undefined && module !== moduleName) throw new Error(`a second import module: ${module}`);
      moduleName = module;
      if (!imports.has(name)) imports.set(name, shortName(next++));
      return ["a", imports.get(name)];
    },
    (name) => {
      if (!/^(__|wasm_bindgen__)/.test(name)) return name;
      if (!exports.has(name)) exports.set(name, `_${shortName(exports.size)}`);
      return exports.get(name);
    },
  );
  // The glue: the import object's keys, its module key, and `wasm.<export>`.
  const moduleKey = new RegExp(`(["'])${escape(moduleName)}\\1:`, "g");
  if (!moduleKey.test(glue)) throw new Error(`the glue has no import module ${moduleName}`);
  let text = glue.replace(moduleKey, "a:");
  for (const [name, short] of imports) {
    const key = new RegExp(`(?<![\\w$])${escape(name)}(?=\\s*:)`, "g");
    const found = text.match(key)?.length ?? 0;
    if (found !== 1) throw new Error(`import ${name}: ${found} keys in the glue`);
    text = text.replace(key, short);
  }
  for (const [name, short] of exports) {
    text = text.replace(new RegExp(`\\.${escape(name)}(?![\\w$])`, "g"), `.${short}`);
    if (new RegExp(`(?<![\\w$])${escape(name)}(?![\\w$])`).test(text)) throw new Error(`export ${name} left in the glue`);
  }
  const types = dts.map((t) => {
    for (const [name, short] of exports) t = t.replace(new RegExp(`(?<![\\w$])${escape(name)}(?![\\w$])`, "g"), short);
    return t;
  });
  return { wasm: out, glue: text, dts: types };
}
