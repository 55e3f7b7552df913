"""The chart grid's wire format: each refresh sends only what changed since the last one, compactly.

Pure Python and NumPy (no Streamlit), so it is unit-tested on its own; components/charts/charts.js decodes it.

A figure is a tree of dicts, lists, scalars and NumPy arrays ({"data": [...], "layout": {...}}). An `Encoder`
remembers the last tree it sent for each chart and writes the next one as a patch against it:

    {"$v": value}             a whole new value (arrays inside it as {"$a": ...})
    {"$p": {key: patch}, "$x": [key, ...]}   a dict: only its changed keys, and the keys it lost
    {"$l": {index: patch}}    a list of the same length: only its changed items
    {"$a": {...}}             an array: "dt" dtype, "sh" shape, "b" base64 bytes, "z" 1 when zlib-compressed,
                              and one of: nothing (the whole array), "keep": k (the previous array's first k items
                              stay, "b" holds the rest), "xor": 1 ("b" holds its bytes XOR the previous array's:
                              small changes give long runs of zero bytes, which compress well), "sub": 1 (quantised
                              codes: "b" holds new minus previous codes, modulo 2**bits)
    an unchanged key or item is left out; an unchanged chart is sent as null.

Float arrays travel in the precision the builder gave them (the builders hand over their large arrays as float32,
which plotly.js draws with; small ones such as positions may be float64). A heatmap trace may
ask for coarser values with meta {"levels": 256 or 65536, "lo": lo, "hi": hi}: its z then travels as uint8 or
uint16 codes, value = lo' + code * step ("q": [lo', step]; the top code means NaN), which the client turns back
into floats. 256 levels split lo..hi evenly: over tanh's [-1, 1] a value is off by at most 0.004, enough for a
picture whose hover reads 2 decimals. 65,536 levels use the power-of-two step that covers lo..hi, so over a weight
range of [-2, 2] a value is off by at most 3e-5 and 0, 0.5 or any multiple of the step is exact.

Each message carries the epoch it was encoded at and the epoch it builds on ("base": None for a full picture). A
client that does not hold the base (it remounted, reconnected or missed a message) asks for the full picture, and
`Encoder.reset()` makes the next message a full one.
"""
from __future__ import annotations

import base64
import json
import math
import zlib

import numpy as np
import orjson

_DTYPES = {np.dtype(k): v for k, v in (("float32", "f4"), ("float64", "f8"), ("uint8", "u1"), ("uint16", "u2"),
                                       ("int8", "i1"), ("int16", "i2"), ("int32", "i4"), ("uint32", "u4"))}
MIN_ZLIB_BYTES = 256  # smaller arrays are sent as they are: zlib's header and checksum would outweigh the gain
ZLIB_LEVEL = 1  # the fastest: level 6 saves about 2% more bytes for twice the time
MIN_KEEP = 8  # an array that keeps fewer leading items than this from the previous one is sent whole


class _Leaf(list):
    """A list of plain values (tick labels, category names): compared and sent as one value."""


class _Array:
    """An array as it travels: its wire dtype values, and the meta ({"q": [lo, hi]}) the client decodes it with."""

    __slots__ = ("a", "q")

    def __init__(self, a: np.ndarray, q=None):
        self.a, self.q = a, q

    def same_kind(self, other) -> bool:
        return isinstance(other, _Array) and other.a.dtype == self.a.dtype and other.q == self.q


def _wire_array(a: np.ndarray, levels=None) -> _Array:
    """A NumPy array in its wire dtype: float32 for floats, or uint8/uint16 codes for a quantised heatmap."""
    if levels is not None:
        lvl, lo, hi = levels
        dtype = np.uint8 if lvl <= 256 else np.uint16
        top = np.iinfo(dtype).max  # the NaN code
        step = max(hi - lo, 1e-300) / (top - 1)
        if dtype is np.uint16:  # room to spare: a power of two, lo a multiple of it, so that every multiple of the
            step = 2.0 ** math.ceil(math.log2(step))  # step (0, 0.5, 0.25, 1...: a constant start's weights) is exact
            lo = math.floor(lo / step) * step
        codes = np.subtract(a, lo, dtype=np.float64)  # in float64, whatever `a` comes in
        np.divide(codes, step, out=codes)
        np.rint(codes, out=codes)
        np.maximum(codes, 0, out=codes)  # NaN stays NaN through these two
        np.minimum(codes, top - 1, out=codes)
        if np.isnan(np.add.reduce(codes, axis=None)):  # only NaN makes the sum of codes in range NaN
            codes[np.isnan(codes)] = top
        return _Array(codes.astype(dtype), [lo, step])
    if a.dtype not in _DTYPES:
        if a.dtype.kind == "f":
            a = a.astype(np.float64)  # float16 or longdouble: float64 holds them
        elif a.dtype.kind == "b":
            a = a.astype(np.uint8)
        else:
            a = a.astype(np.int32)  # int64 steps and counts: far below 2**31 here
    return _Array(a if a.flags.c_contiguous else np.ascontiguousarray(a))


def _levels(trace: dict):
    """(levels, lo, hi) when a trace asks for quantised z values, else None."""
    meta = trace.get("meta")
    if isinstance(meta, dict) and meta.get("levels") in (256, 65536):
        return int(meta["levels"]), float(meta["lo"]), float(meta["hi"])
    return None


def _prepare(obj, levels=None):
    """The figure as a tree of plain values and _Array leaves (NumPy scalars as Python numbers)."""
    if isinstance(obj, dict):
        lv = _levels(obj)
        return {k: _prepare(v, lv if k == "z" else None) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        out = [_prepare(v) for v in obj]
        return out if any(isinstance(v, (dict, list, _Array)) for v in out) else _Leaf(out)
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fiub":
            return _wire_array(obj, levels)
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def _bytes(data: bytes) -> dict:
    """base64 of `data`, zlib-compressed when that makes it smaller."""
    if len(data) >= MIN_ZLIB_BYTES:
        packed = zlib.compress(data, ZLIB_LEVEL)
        if len(packed) < len(data):
            return {"b": base64.b64encode(packed).decode("ascii"), "z": 1}
    return {"b": base64.b64encode(data).decode("ascii")}


def _array_msg(x: _Array, data: bytes, **op) -> dict:
    out = {"dt": _DTYPES[x.a.dtype], **_bytes(data), **op}
    if x.a.ndim > 1:
        out["sh"] = list(x.a.shape)
    if x.q is not None:
        out["q"] = x.q
    return {"$a": out}


def _full(value):
    """A whole value for the wire: arrays as {"$a": ...}."""
    if isinstance(value, _Array):
        return _array_msg(value, value.a.tobytes())
    if isinstance(value, dict):
        return {k: _full(v) for k, v in value.items()}
    if isinstance(value, _Leaf):
        return list(value)
    if isinstance(value, list):
        return [_full(v) for v in value]
    return value


def _array_patch(old, new: _Array):
    """None when `new` equals `old`; else the cheapest of keep + tail, XOR against old, and the whole array."""
    if new.same_kind(old):
        a, b = old.a, new.a
        if a.shape == b.shape and (a == b).all():  # np.array_equal's own checks cost more than this comparison
            return None
        if a.ndim == b.ndim == 1 and len(b) >= len(a) >= MIN_KEEP:
            same = a == b[: len(a)]
            keep = len(a) if same.all() else int(np.argmin(same))
            if keep >= MIN_KEEP:
                return _array_msg(new, b[keep:].tobytes(), keep=keep)
        if a.shape == b.shape and new.q is not None:  # codes that moved a little: small differences compress well
            return _array_msg(new, (b - a).tobytes(), sub=1)  # modulo 2**bits, as unsigned integers do
        if a.shape == b.shape:  # floats: equal sign, exponent and leading digits XOR to zero bytes
            return _array_msg(new, np.bitwise_xor(a.view(np.uint8), b.view(np.uint8)).tobytes(), xor=1)
    return _array_msg(new, new.a.tobytes())


_SAME = object()


def _patch(old, new):
    """The patch turning `old` into `new`, or _SAME when they are equal."""
    if old is new:  # an item taken over unchanged (see _Chart)
        return _SAME
    if isinstance(new, _Array):
        if isinstance(old, _Array):
            p = _array_patch(old, new)
            return _SAME if p is None else p
        return {"$v": _full(new)}
    if isinstance(new, dict) and isinstance(old, dict):
        changed = {}
        for k, v in new.items():
            p = _patch(old[k], v) if k in old else {"$v": _full(v)}
            if p is not _SAME:
                changed[k] = p
        gone = [k for k in old if k not in new]
        if not changed and not gone:
            return _SAME
        return {"$p": changed, **({"$x": gone} if gone else {})}
    if isinstance(new, _Leaf):
        return _SAME if isinstance(old, _Leaf) and old == new else {"$v": list(new)}
    if isinstance(new, list) and isinstance(old, list) and len(new) == len(old):
        changed = {}
        for i, (o, v) in enumerate(zip(old, new)):
            p = _patch(o, v)
            if p is not _SAME:
                changed[str(i)] = p
        return {"$l": changed} if changed else _SAME
    if type(new) is type(old) and not isinstance(new, (dict, list)) and new == old:
        return _SAME
    return {"$v": _full(new)}


def _held(value):
    """A sent tree as the client holds it: arrays decoded (quantised codes back to floats), Python lists."""
    if isinstance(value, _Array):
        if value.q is None:
            return value.a
        lo, step = value.q
        top = np.iinfo(value.a.dtype).max
        return np.where(value.a == top, np.nan, lo + value.a.astype(np.float64) * step)
    if isinstance(value, dict):
        return {k: _held(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_held(v) for v in value]
    return value


def _json(value, arrays: list | None = None) -> bytes:
    """`value` as compact JSON, for comparing with what was sent, not for sending: orjson's, which writes a chart's
    parts in a fifth of the time the standard library takes, except where that writes NaN or infinity as null, as a
    None is written (a value holding a null, whatever made it, is written by the standard library, marked).
    arrays: a list that receives every numeric array met, in order, each written as 0 (see _skeleton)."""

    def default(o):
        if isinstance(o, np.ndarray):
            if o.dtype.kind in "fiub" and arrays is not None:
                arrays.append(o)
                return 0
            return o.tolist()
        if isinstance(o, np.generic):
            return o.item()
        raise TypeError(f"cannot send {type(o).__name__}")

    out = orjson.dumps(value, default=default, option=orjson.OPT_NON_STR_KEYS)
    if b"null" in out:
        if arrays is not None:
            arrays.clear()  # met again, in the same order
        out = b"~" + json.dumps(value, default=default, separators=(",", ":"), check_circular=False).encode()
    return out


def _skeleton(fig) -> tuple[bytes, list]:
    """The figure's JSON (_json) with every numeric array left out, and those arrays in the order met."""
    arrays = []
    return _json(fig, arrays), arrays


def _array_paths(tree, path=()) -> list:
    """(path, levels) of every array of a prepared tree, in the order _skeleton meets them."""
    if isinstance(tree, _Array):
        return [(path, tree.q)]
    if isinstance(tree, dict):
        return [x for k, v in tree.items() for x in _array_paths(v, path + (k,))]
    if isinstance(tree, list) and not isinstance(tree, _Leaf):
        return [x for i, v in enumerate(tree) for x in _array_paths(v, path + (i,))]
    return []


class _Chart:
    """What the client holds of one part of a chart (its data or its layout): the prepared tree, its skeleton,
    where its arrays sit, and the JSON of the top-level items without arrays that were compared (see item_json)."""

    __slots__ = ("tree", "skeleton", "paths", "slots", "levels", "plain", "source")

    def __init__(self, fig, skeleton: str, like: _Chart | None = None):
        """like: the part this one replaces, whose skeleton differs. Its top-level items (a layout's axes, a data
        list's traces) whose JSON is unchanged and holds no array are taken over as they were prepared, and compare
        as the same object. A part sent whole (no like) is prepared whole."""
        self.skeleton, self.plain, self.source = skeleton, {}, fig
        if like is None or not isinstance(fig, (dict, list)):
            self.tree = _prepare(fig)
            found = _array_paths(self.tree)
        else:
            lv = _levels(fig) if isinstance(fig, dict) else None
            keyed = fig.items() if isinstance(fig, dict) else enumerate(fig)
            items, found = {}, []
            for k, v in keyed:
                json_, arrays = _skeleton(v)
                if not arrays:
                    self.plain[k] = json_
                    if like.item_json(k) == json_:
                        items[k] = like.tree[k]
                        continue
                items[k] = _prepare(v, lv if k == "z" else None)
                found += [((k, *path), q) for path, q in _array_paths(items[k])]
            if isinstance(fig, dict):
                self.tree = items
            else:
                out = list(items.values())
                self.tree = out if any(isinstance(v, (dict, list, _Array)) for v in out) else _Leaf(out)
        self.paths = [p for p, _ in found]
        self.slots = [self._slot(p) for p in self.paths]
        self.levels = [_levels(parent) if k == "z" and isinstance(parent, dict) else None for parent, k in self.slots]

    def item_json(self, k) -> bytes | None:
        """The JSON of top-level item `k`, or None if there is none or it holds an array: kept from a comparison,
        or written from the prepared tree (plain values only, as the figure's JSON wrote them) the first time."""
        if k not in self.plain:
            tree = self.tree
            there = k in tree if isinstance(tree, dict) else isinstance(k, int) and 0 <= k < len(tree)
            plain = there and not any(path[0] == k for path in self.paths)
            self.plain[k] = _json(tree[k]) if plain else None
        return self.plain[k]

    def _slot(self, path) -> tuple:
        """(the dict or list that holds the array at `path`, its key there): the tree's dicts and lists stay, only
        its arrays are replaced."""
        node = self.tree
        for k in path[:-1]:
            node = node[k]
        return node, path[-1]

    def arrays_patch(self, arrays: list, shared: _Shared | None = None):
        """The patch for a figure whose skeleton is unchanged: only its arrays, each against the one it replaces
        (shared: what other encoders already made of this very part, see _Shared)."""
        patch = _SAME
        for i, ((parent, key), levels, a) in enumerate(zip(self.slots, self.levels, arrays, strict=True)):
            old = parent[key]
            if old.a is a and not a.flags.writeable:  # the very read-only array sent last time (see encode)
                continue
            if shared is None:
                new = _wire_array(a, levels)
                p = _array_patch(old, new)
            else:
                new, p = shared.array_patch(i, a, levels, old)
            parent[key] = new
            if p is not None:
                patch = _nest(patch, self.tree, self.paths[i], p)
        return patch


class _Shared:
    """One part of a chart that several encoders send (a live frame that sessions playing the same run share):
    its skeleton, its arrays, each array in its wire form, and the patch of each against the wire array it
    replaced last, when that was the very same object (the frame before, which those sessions shared too). Each
    is made by the first encoder that needs it; the others take it as it is. Nothing here is changed once made,
    and an encoder's tree holds the shared wire arrays without changing them."""

    __slots__ = ("skeleton", "arrays", "_wired", "_patches")

    def __init__(self, value):
        self.skeleton, self.arrays = _skeleton(value)
        self._wired: dict = {}  # array index -> (levels, _Array)
        self._patches: dict = {}  # array index -> (old _Array, new _Array, patch)

    def array_patch(self, i: int, a, levels, old):
        """(this part's array i in its wire form, its patch against `old`)."""
        wired = self._wired.get(i)
        if wired is None or wired[0] != levels:
            wired = self._wired[i] = (levels, _wire_array(a, levels))
        new = wired[1]
        done = self._patches.get(i)
        if done is not None and done[0] is old and done[1] is new:
            return new, done[2]
        p = _array_patch(old, new)
        self._patches[i] = (old, new, p)
        return new, p


def _nest(patch, tree, path, leaf):
    """`patch` with `leaf` placed at `path` ({"$p": ...} under dicts, {"$l": ...} under lists)."""
    if patch is _SAME:
        patch = {"$p": {}} if isinstance(tree, dict) else {"$l": {}}
    node, here = tree, patch
    for depth, k in enumerate(path):
        key = k if isinstance(node, dict) else str(k)
        box = here["$p"] if "$p" in here else here["$l"]
        if depth == len(path) - 1:
            box[key] = leaf
            break
        node = node[k]
        if key not in box:
            box[key] = {"$p": {}} if isinstance(node, dict) else {"$l": {}}
        here = box[key]
    return patch


class Encoder:
    """One chart grid's memory of what its client holds: encode() sends each chart's changes since the last call.

    Most refreshes change a chart's numbers but not its shape or words: then its skeleton (the JSON without the
    arrays, written by the C encoder) equals the last one, and only the arrays are compared, in place. Otherwise
    the chart is compared key by key."""

    def __init__(self):
        self.epoch = 0
        self._sent: dict[str, dict[str, _Chart]] = {}  # chart id -> what the client holds of each of its parts
        self._full = True

    def held(self) -> dict:
        """Each chart as the client holds it after the last message (what the browser draws)."""
        return {cid: {part: _held(c.tree) for part, c in parts.items()} for cid, parts in self._sent.items()}

    def reset(self):
        """The client lost its state: the next message sends every chart whole."""
        self._full = True

    def encode(self, charts: dict, shared: dict | None = None) -> dict:
        """{"epoch", "base", "charts": {id: patch or None}} for charts = {id: figure dict}.

        shared: a dict kept with these very charts, given to every encoder that sends them (sessions that share a
        live frame): what one encoder makes of them there (their skeletons, wire arrays and patches against the
        frame before, see _Shared) the others take, and every encoder sends the same as without it.

        base is the epoch this message builds on, or None when it carries every chart whole. A chart that is
        unchanged is None; a chart not in `charts` is forgotten (the grid no longer shows it). The figure's parts
        ("data", "layout") are compared apart: a layout whose axis range grew does not slow the data's fast path.

        A figure, its parts and its arrays are never changed once given (the builders make new ones), so a part
        given as the very object sent last time is unchanged without a look, and so is a read-only array (a
        builder's, kept from one refresh to the next: the steps under a heatmap's columns, say).
        """
        base = None if self._full else self.epoch
        out, sent = {}, {}
        for cid, fig in charts.items():
            old = None if self._full else self._sent.get(cid)
            if old is not None and old.keys() != fig.keys():
                old = None
            parts, changed = {}, {}
            for part, value in fig.items():
                was = None if old is None else old[part]
                if was is not None and value is was.source:  # the very object sent last time (see encode's doc)
                    parts[part] = was
                    continue
                made = None if shared is None else shared.get((cid, part))
                if made is None and shared is not None:
                    made = shared[(cid, part)] = _Shared(value)
                skeleton, arrays = (made.skeleton, made.arrays) if made is not None else _skeleton(value)
                if was is not None and was.skeleton == skeleton:
                    p = was.arrays_patch(arrays, made)
                    was.source = value
                    parts[part] = was
                else:
                    parts[part] = _Chart(value, skeleton, like=was)
                    p = None if was is None else _patch(was.tree, parts[part].tree)
                if p is not _SAME:
                    changed[part] = p
            sent[cid] = parts
            if old is None:
                out[cid] = {"$v": {part: _full(c.tree) for part, c in parts.items()}}
            else:
                out[cid] = {"$p": changed} if changed else None
        self._sent, self._full = sent, False
        self.epoch += 1
        return {"epoch": self.epoch, "base": base, "charts": out}
