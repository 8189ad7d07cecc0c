#!/usr/bin/python3
"""Lists what an ONNX model is made of: opset, inputs/outputs, and per op type the node count and every attribute
value used (distinct values with their counts); also parameter count (initializer elements read by nodes).

usage: /usr/bin/python3 tools/onnx_inventory.py MODEL.onnx... [--markdown]
Runs onnx.checker (full check, with shape inference) on each model first.
"""
import collections
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def dims(vi):
    return [d.dim_param or d.dim_value for d in vi.type.tensor_type.shape.dim]


def attr_text(a):
    v = helper.get_attribute_value(a)
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, list):
        return "[" + ",".join(x.decode() if isinstance(x, bytes) else f"{x:g}" if isinstance(x, float) else str(x) for x in v) + "]"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, onnx.TensorProto):
        t = numpy_helper.to_array(v)
        return f"tensor {onnx.TensorProto.DataType.Name(v.data_type).lower()}{list(t.shape)}" + (f"={t.tolist()}" if t.size <= 4 else "")
    return str(v)


def inventory(path):
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    g = m.graph
    init = {t.name: t for t in g.initializer}
    used = {i for n in g.node for i in n.input}
    params = sum(int(np.prod(t.dims)) for name, t in init.items() if name in used)
    ops = collections.Counter(n.op_type for n in g.node)
    attrs = collections.defaultdict(lambda: collections.defaultdict(collections.Counter))
    for n in g.node:
        for a in n.attribute:
            attrs[n.op_type][a.name][attr_text(a)] += 1
    return m, params, ops, attrs


def main():
    md = "--markdown" in sys.argv
    for path in [a for a in sys.argv[1:] if a != "--markdown"]:
        m, params, ops, attrs = inventory(path)
        g = m.graph
        opset = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in m.opset_import)
        ins = ", ".join(f"{i.name} {dims(i)}" for i in g.input if i.name not in {t.name for t in g.initializer})
        outs = ", ".join(f"{o.name} {dims(o)}" for o in g.output)
        print(f"{'### ' if md else ''}{path}")
        if md:
            print()
        print(f"{'- ' if md else '  '}opset {opset}; IR {m.ir_version}; producer {m.producer_name} {m.producer_version}; "
              f"{len(g.node)} nodes; {params:,} parameters")
        print(f"{'- ' if md else '  '}inputs: {ins}; outputs: {outs}")
        if md:
            print()
            print("| op | nodes | attributes (value ×count) |")
            print("|---|---:|---|")
        for op, count in sorted(ops.items()):
            a = "; ".join(f"{k}: " + ", ".join(f"{v}×{c}" for v, c in sorted(vals.items())) for k, vals in sorted(attrs[op].items()))
            print(f"| {op} | {count} | {a} |" if md else f"  {op:20s} {count:4d}  {a}")
        print()


if __name__ == "__main__":
    main()
