#!/usr/bin/env python3
"""Seeds fuzz/corpus/{overlay,pipeline,load,merge} from the repository's current specs.

Every case of tests/fixtures/{bad,good} is built the way tests/common/mod.rs
builds it: the reference base/ and overlays/, the case's own files laid over
them, then the [[edit]]s of its patch.toml (replace + with, append, prepend
after the leading comments). Then:

  overlay   every overlay file of every case (and of the reference), plus
            every extra base file (base/zz-*.toml) as an overlay on its own;
  pipeline  base/platform.toml of the case + NUL + each of its overlays;
  load      every TOML file of every case;
  merge     the case's chains (an overlay and what it extends, or two
            overlays, and its first layer), `extends` renamed to a/b/l.

Identical seeds are written once (named by their SHA-1, as libFuzzer does).
Run it again whenever the specs or fixtures change: seeds that no longer
compile against src/ keep the fuzzer stuck in the schema stage.

    python3 fuzz/seed.py            # from anywhere
"""

import hashlib
import pathlib
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
META = {"README.md", "report.snap", "outputs.snap", "patch.toml"}


def reference():
    files = {}
    for sub in ("base", "overlays"):
        for p in sorted((ROOT / sub).rglob("*")):
            if p.is_file():
                files[str(p.relative_to(ROOT))] = p.read_bytes()
    return files


def case_files(case):
    files = reference()
    for p in sorted(case.rglob("*")):
        rel = p.relative_to(case)
        if p.is_file() and rel.parts[0] not in META:
            files[str(rel)] = p.read_bytes()
    patch = case / "patch.toml"
    if patch.exists():
        for edit in tomllib.loads(patch.read_text())["edit"]:
            text = files[edit["file"]].decode()
            if "replace" in edit:
                if text.count(edit["replace"]) != 1:
                    print(f"skip stale edit in {patch}", file=sys.stderr)
                    continue
                text = text.replace(edit["replace"], edit["with"], 1)
            elif "append" in edit:
                text += edit["append"]
            else:
                at = 0
                for line in text.splitlines(keepends=True):
                    if not line.startswith("#"):
                        break
                    at += len(line)
                text = text[:at] + edit["prepend"] + text[at:]
            files[edit["file"]] = text.encode()
    return files


def merge_seeds(files):
    """The case's chains as the merge target's four files: two overlays
    (a, b), a layer (l), an extra base file; `extends` renamed to match."""
    overlays = sorted(n for n in files if n.startswith("overlays/") and n.endswith(".toml"))
    layers = sorted(n for n in files if n.startswith("layers/") and n.endswith(".toml"))
    extra = sorted(n for n in files if n.startswith("base/") and n != "base/platform.toml")
    stem = lambda n: n.rsplit("/", 1)[-1][: -len(".toml")]
    out = []
    # every overlay that extends another, with its parent; and pairs of plain overlays
    pairs = []
    for n in overlays:
        text = files[n].decode(errors="replace")
        for other in overlays + layers:
            if other != n and f'extends = "{stem(other)}"' in text:
                pairs.append((other, n))
    pairs += list(zip(overlays, overlays[1:]))
    for first, second in pairs:
        chosen = [first, second] + layers[:1]
        names = {stem(first): "a", stem(second): "b"}
        if layers:
            names[stem(layers[0])] = "l"
        parts = []
        for n in chosen:
            text = files[n].decode(errors="replace")
            for old, new in names.items():
                text = text.replace(f'extends = "{old}"', f'extends = "{new}"')
            parts.append(text.encode())
        if len(parts) < 3:
            parts.append(b"")
        if extra:
            parts.append(files[extra[0]])
        out.append(b"\0".join(parts))
    return out


def main():
    out = {t: ROOT / "fuzz" / "corpus" / t for t in ("overlay", "pipeline", "load", "merge")}
    for d in out.values():
        d.mkdir(parents=True, exist_ok=True)
    seeds = {t: set() for t in out}
    cases = [None] + sorted(
        c for kind in ("bad", "good") for c in (ROOT / "tests" / "fixtures" / kind).iterdir() if c.is_dir()
    )
    for case in cases:
        files = reference() if case is None else case_files(case)
        base = files.get("base/platform.toml", b"")
        for name, data in files.items():
            if name.endswith(".toml"):
                seeds["load"].add(data)
            if name.startswith("overlays/") and name.endswith(".toml"):
                seeds["overlay"].add(data)
                seeds["pipeline"].add(base + b"\0" + data)
            elif name.startswith("base/") and name != "base/platform.toml":
                seeds["overlay"].add(data)
        seeds["merge"].update(merge_seeds(files))
    for t, datas in seeds.items():
        for data in datas:
            (out[t] / hashlib.sha1(data).hexdigest()).write_bytes(data)
        print(f"{t}: {len(datas)} seeds in {out[t].relative_to(ROOT)}")


if __name__ == "__main__":
    main()
