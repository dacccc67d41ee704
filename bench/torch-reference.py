"""Float64 PyTorch reference for alignlab's architectures and explainers.

The same four architectures (cnn, densenet, vit, swin) and the same
explainers (gradient, gradient x input, integrated gradients, SmoothGrad
with given noise, LRP epsilon / epsilon_plus / alpha_beta) with alignlab's
layouts: NHWC activations, [kh, kw, in, out] kernels, [in, out] dense
kernels, space-to-depth channel order (dh, dw, c), qkv columns [q | k | v].

    /usr/bin/python3 bench/torch-reference.py fixtures
        writes test/fixtures/explainers/<arch>.json: tiny models (8x8
        inputs), weights, inputs, and for each explainer the location loss
        and its float64 gradient w.r.t. every weight.

    /usr/bin/python3 bench/torch-reference.py maps OUT.json [--arch cnn,vit]
        28x28 models with seeded weights and a batch of inputs, the relevance
        maps of gradient, gradient x input, IG and SmoothGrad (noise stored),
        and ms per alignment step (single-threaded); read by
        bench/torch-compare.ts.
"""
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
EPS = 1e-6
LN_EPS = 1e-5
MASKED = -1e4


# ---------------------------------------------------------------- weights


class Params:
    """Named weights, created on first use with a seeded normal init."""

    def __init__(self, gen, values=None):
        self.gen = gen
        self.values = values if values is not None else {}

    def __call__(self, name, shape, scale, offset=0.0):
        if name not in self.values:
            w = torch.randn(*shape, generator=self.gen, dtype=torch.float32) * scale + offset
            self.values[name] = w.double()
        v = self.values[name]
        assert list(v.shape) == list(shape), (name, v.shape, shape)
        return v


# ---------------------------------------------------------------- layers


def conv(x, k, b=None):
    pad = (k.shape[0] - 1) // 2
    y = F.conv2d(x.permute(0, 3, 1, 2), k.permute(3, 2, 0, 1), padding=pad).permute(0, 2, 3, 1)
    return y if b is None else y + b


def dense(x, k, b=None):
    y = x @ k
    return y if b is None else y + b


def ln_parts(x):
    c = x - x.mean(-1, keepdim=True)
    inv = torch.rsqrt((c * c).mean(-1, keepdim=True) + LN_EPS)
    return c, inv


def attn_weights(q, k, bias):
    s = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    if bias is not None:
        s = s + bias
    return torch.softmax(s, -1)


def phi(z):
    return 0.5 * (1 + torch.erf(z / math.sqrt(2)))


class Plain:
    def conv(self, x, k, b):
        return conv(x, k, b)

    def dense(self, x, k, b):
        return dense(x, k, b)

    def relu(self, z):
        return torch.relu(z)

    def gelu(self, z):
        return z * phi(z)

    def layer_norm(self, x, g, b):
        c, inv = ln_parts(x)
        return c * inv * g + b

    def attention(self, q, k, v, bias=None):
        return attn_weights(q, k, bias) @ v

    def tap(self, a):
        return a


def stabilise(z):
    return z + EPS * torch.where(z >= 0, torch.ones_like(z), -torch.ones_like(z))


class Recorder(Plain):
    """LRP pass 1: the real forward pass, keeping each layer's constants."""

    def __init__(self, rule):
        self.rule = rule
        self.records = []

    def conv(self, x, k, b):
        z = conv(x, k, b)
        ab = {"epsilon_plus": (1, 0), "alpha_beta": (2, 1)}.get(self.rule)
        if ab is None:
            self.records.append(("scale", z / stabilise(z)))
        else:
            zp = conv(x, k.clamp(min=0))
            zn = conv(x, k.clamp(max=0))
            self.records.append(("ab", ab, z / (zp + EPS), z / (zn - EPS)))
        return z

    def dense(self, x, k, b):
        z = dense(x, k, b)
        self.records.append(("scale", z / stabilise(z)))
        return z

    def relu(self, z):
        self.records.append(("gate", (z > 0).to(z.dtype)))
        return torch.relu(z)

    def gelu(self, z):
        g = phi(z)
        self.records.append(("gate", g))
        return z * g

    def layer_norm(self, x, g, b):
        c, inv = ln_parts(x)
        self.records.append(("norm", inv))
        return c * inv * g + b

    def attention(self, q, k, v, bias=None):
        a = attn_weights(q, k, bias)
        self.records.append(("attn", a))
        return a @ v


class Replayer(Plain):
    """LRP pass 2: the surrogate network with the recorded constants."""

    def __init__(self, records):
        self.records = list(records)

    def next(self, kind):
        r = self.records.pop(0)
        assert r[0] == kind, (r[0], kind)
        return r

    def conv(self, x, k, b):
        r = self.records.pop(0)
        if r[0] == "ab":
            (alpha, beta), sp, sn = r[1], r[2], r[3]
            y = alpha * conv(x, k.clamp(min=0)) * sp
            if beta:
                y = y - beta * conv(x, k.clamp(max=0)) * sn
            return y
        assert r[0] == "scale"
        return conv(x, k) * r[1]

    def dense(self, x, k, b):
        return dense(x, k) * self.next("scale")[1]

    def relu(self, z):
        return z * self.next("gate")[1]

    def gelu(self, z):
        return z * self.next("gate")[1]

    def layer_norm(self, x, g, b):
        c = x - x.mean(-1, keepdim=True)
        return c * self.next("norm")[1] * g

    def attention(self, q, k, v, bias=None):
        return self.next("attn")[1] @ v


# ---------------------------------------------------------------- models


def s2d(x, p=2):
    b, h, w, c = x.shape
    y = x.reshape(b, h // p, p, w // p, p, c).permute(0, 1, 3, 2, 4, 5)
    return y.reshape(b, h // p, w // p, p * p * c)


def he(P, name, shape, fan_in):
    return P(name, shape, math.sqrt(2 / fan_in))


def cnn(P, spec, x, ops):
    h, w, c = spec["input"]
    c1, c2, c3, c4 = spec["widths"]
    K = spec["classes"]

    def layer(t, name, size, cin, cout):
        k = he(P, f"{name}/kernel", [size, size, cin, cout], size * size * cin)
        return ops.relu(ops.conv(t, k, P(f"{name}/bias", [cout], 0.1)))

    y = layer(x, "conv1", 3, c, c1)
    y = layer(s2d(y), "down1", 1, 4 * c1, c2)
    y = layer(y, "conv2", 3, c2, c3)
    y = ops.tap(layer(s2d(y), "down2", 1, 4 * c3, c4))
    flat = (h // 4) * (w // 4) * c4
    f = y.reshape(x.shape[0], flat)
    return ops.dense(f, he(P, "dense/kernel", [flat, K], flat), P("dense/bias", [K], 0.1))


def densenet(P, spec, x, ops):
    h, w, c = spec["input"]
    stem, growth = spec["widths"]
    depth = spec.get("depth", 3)
    K = spec["classes"]

    def layer(t, name, size, cin, cout):
        k = he(P, f"{name}/kernel", [size, size, cin, cout], size * size * cin)
        return ops.relu(ops.conv(t, k, P(f"{name}/bias", [cout], 0.1)))

    def block(t, name, cin):
        for i in range(depth):
            t = torch.cat([t, layer(t, f"{name}/layer{i + 1}", 3, cin + i * growth, growth)], 3)
        return t

    y = layer(x, "stem", 3, c, stem)
    y = layer(s2d(y), "down", 1, 4 * stem, stem)
    y = block(y, "block1", stem)
    after = stem + depth * growth
    half = max(1, after // 2)
    y = layer(s2d(y), "transition", 1, 4 * after, half)
    y = ops.tap(block(y, "block2", half))
    feats = half + depth * growth
    return ops.dense(y.mean((1, 2)), he(P, "head/kernel", [feats, K], feats), P("head/bias", [K], 0.1))


def dense_p(P, name, cin, cout):
    return P(f"{name}/kernel", [cin, cout], math.sqrt(1 / cin)), P(f"{name}/bias", [cout], 0.1)


def norm_p(P, name, dim):
    return P(f"{name}/gamma", [dim], 0.1, 1.0), P(f"{name}/beta", [dim], 0.1)


def self_attention(P, name, ops, x, heads, bias=None):
    g, n, dim = x.shape
    d = dim // heads
    qkv = ops.dense(x, *dense_p(P, f"{name}/qkv", dim, 3 * dim))
    q, k, v = [t.reshape(g, n, heads, d).permute(0, 2, 1, 3) for t in qkv.split(dim, -1)]
    mixed = ops.attention(q, k, v, bias)
    merged = mixed.permute(0, 2, 1, 3).reshape(g, n, dim)
    return ops.dense(merged, *dense_p(P, f"{name}/proj", dim, dim))


def mlp(P, name, ops, x, hidden):
    dim = x.shape[-1]
    y = ops.layer_norm(x, *norm_p(P, f"{name}/norm2", dim))
    y = ops.gelu(ops.dense(y, *dense_p(P, f"{name}/fc1", dim, hidden)))
    return ops.dense(y, *dense_p(P, f"{name}/fc2", hidden, dim))


def vit(P, spec, x, ops):
    h, w, c = spec["input"]
    p = spec.get("patch", 4)
    dim, hidden = spec["widths"]
    depth = spec.get("depth", 2)
    heads = spec.get("heads", 2)
    K = spec["classes"]
    gh, gw = h // p, w // p
    n = gh * gw
    b = x.shape[0]
    ek = P("embed/kernel", [1, 1, p * p * c, dim], math.sqrt(1 / (p * p * c)))
    patches = ops.conv(s2d(x, p), ek, P("embed/bias", [dim], 0.1))
    cls = P("cls", [1, 1, dim], 0.1)
    t = torch.cat([cls.expand(b, 1, dim), patches.reshape(b, n, dim)], 1)
    t = t + P("pos", [n + 1, dim], 0.1)
    for i in range(depth):
        name = f"block{i + 1}"
        if i == depth - 1:
            rest = ops.tap(t[:, 1:].reshape(b, gh, gw, dim)).reshape(b, n, dim)
            t = torch.cat([t[:, :1], rest], 1)
        y = ops.layer_norm(t, *norm_p(P, f"{name}/norm1", dim))
        t = t + self_attention(P, name, ops, y, heads)
        t = t + mlp(P, name, ops, t, hidden)
    first = t[:, 0]
    y = ops.layer_norm(first, *norm_p(P, "norm", dim))
    return ops.dense(y, *dense_p(P, "head", dim, K))


def roll(x, s):
    return torch.roll(x, shifts=(-s, -s), dims=(1, 2))


def partition(x, w):
    b, h, wd, c = x.shape
    y = x.reshape(b, h // w, w, wd // w, w, c).permute(0, 1, 3, 2, 4, 5)
    return y.reshape(-1, w * w, c)


def unpartition(t, shape, w):
    b, h, wd = shape[:3]
    c = t.shape[-1]
    y = t.reshape(b, h // w, wd // w, w, w, c).permute(0, 1, 3, 2, 4, 5)
    return y.reshape(b, h, wd, c)


def seam_mask(g, w, s):
    def region(i):
        return 0 if i < g - w else (1 if i < g - s else 2)

    per = g // w
    n = w * w
    m = torch.zeros(per * per, 1, n, n)
    for wy in range(per):
        for wx in range(per):
            lab = [region(wy * w + k // w) * 3 + region(wx * w + k % w) for k in range(n)]
            for i in range(n):
                for j in range(n):
                    if lab[i] != lab[j]:
                        m[wy * per + wx, 0, i, j] = MASKED
    return m


def swin_stage(P, name, ops, x, grid, win, depth, heads):
    dim = x.shape[-1]
    size = min(win, grid)
    for i in range(depth):
        bn = f"{name}/block{i + 1}"
        shift = size // 2 if i % 2 == 1 and size < grid else 0
        y = ops.layer_norm(x, *norm_p(P, f"{bn}/norm1", dim))
        if shift:
            y = roll(y, shift)
        windows = partition(y, size)
        bias = P(f"{bn}/attn/bias", [heads, size * size, size * size], 0.1)[None]
        if shift:
            bias = bias + seam_mask(grid, size, shift).repeat(x.shape[0], 1, 1, 1)
        a = self_attention(P, bn, ops, windows, heads, bias)
        y = unpartition(a, x.shape, size)
        if shift:
            y = roll(y, grid - shift)
        x = x + y
        x = x + mlp(P, bn, ops, x, 2 * dim)
    return x


def swin(P, spec, x, ops):
    h, w, c = spec["input"]
    p = spec.get("patch", 2)
    win = spec.get("window", 7)
    depth = spec.get("depth", 2)
    heads = spec.get("heads", 2)
    (dim,) = spec["widths"]
    K = spec["classes"]
    grid = h // p
    ek = P("embed/kernel", [1, 1, p * p * c, dim], math.sqrt(1 / (p * p * c)))
    t = ops.conv(s2d(x, p), ek, P("embed/bias", [dim], 0.1))
    t = ops.layer_norm(t, *norm_p(P, "embed/norm", dim))
    t = swin_stage(P, "stage1", ops, t, grid, win, depth, heads)
    t = s2d(t)
    t = ops.layer_norm(t, *norm_p(P, "merge/norm", 4 * dim))
    t = ops.dense(t, *dense_p(P, "merge", 4 * dim, 2 * dim))
    t = ops.tap(swin_stage(P, "stage2", ops, t, grid // 2, win, depth, heads))
    pooled = ops.layer_norm(t, *norm_p(P, "norm", 2 * dim)).mean((1, 2))
    return ops.dense(pooled, *dense_p(P, "head", 2 * dim, K))


ARCHS = {"cnn": cnn, "densenet": densenet, "vit": vit, "swin": swin}


# ---------------------------------------------------------------- explainers


def target(logits, labels):
    return logits.gather(1, labels[:, None])[:, 0]


def grad_of(model, x, labels, seed="logit", create_graph=True):
    xi = x.detach().clone().requires_grad_(True)
    z = target(model(xi, Plain()), labels)
    score = (0.5 * z * z).sum() if seed == "output" else z.sum()
    (g,) = torch.autograd.grad(score, xi, create_graph=create_graph)
    return g


def mean_grad(model, stacked, labels, copies, seed, create_graph):
    b = labels.shape[0]
    g = grad_of(model, stacked, labels.repeat(copies), seed, create_graph)
    return g.reshape(copies, b, *stacked.shape[1:]).mean(0)


def explain(name, model, x, labels, opts, create_graph=True):
    seed = opts.get("seed", "logit")
    if name == "gradient":
        return grad_of(model, x, labels, seed, create_graph)
    if name == "gradient_x_input":
        return x * grad_of(model, x, labels, seed, create_graph)
    if name == "integrated_gradients":
        steps = opts["steps"]
        base = opts.get("baseline", 0.0)
        diff = x - base
        path = torch.cat([base + (k + 1) / steps * diff for k in range(steps)], 0)
        return diff * mean_grad(model, path, labels, steps, seed, create_graph)
    if name == "smoothgrad":
        noise = opts["draws"]
        s = noise.shape[0]
        rng = x.amax((1, 2, 3), keepdim=True) - x.amin((1, 2, 3), keepdim=True)
        noisy = x[None] + opts["noise"] * rng[None] * noise
        return mean_grad(model, noisy.reshape(-1, *x.shape[1:]), labels, s, seed, create_graph)
    if name == "lrp":
        rec = Recorder(opts["rule"])
        z = target(model(x, rec), labels)
        xi = x.detach().clone().requires_grad_(True)
        out = target(model(xi, Replayer(rec.records)), labels)
        score = (z * out).sum() if seed == "output" else out.sum()
        (c,) = torch.autograd.grad(score, xi, create_graph=create_graph)
        return x * c
    raise ValueError(name)


def location(rel, m, target_kind="in_mask"):
    r = rel.clamp(min=0).mean(dim=3)
    lo = r.amin(dim=(1, 2), keepdim=True)
    hi = r.amax(dim=(1, 2), keepdim=True)
    norm = (r - lo) / (hi - lo + 1e-6)
    goal = m if target_kind == "in_mask" else 1 - m
    return ((norm - goal) ** 2).mean(dim=(1, 2)).mean()


# ---------------------------------------------------------------- fixtures

FIXTURE_SPECS = {
    "cnn": {"arch": "cnn", "input": [8, 8, 1], "classes": 3, "widths": [2, 3, 3, 4]},
    "densenet": {"arch": "densenet", "input": [8, 8, 1], "classes": 3, "widths": [3, 2], "depth": 2},
    "vit": {"arch": "vit", "input": [8, 8, 1], "classes": 3, "widths": [8, 12], "patch": 2, "depth": 2, "heads": 2},
    "swin": {
        "arch": "swin", "input": [8, 8, 1], "classes": 3, "widths": [4],
        "patch": 2, "window": 2, "depth": 2, "heads": 2,
    },
}

FIXTURE_CASES = [
    ("gradient", {}),
    ("gradient", {"seed": "output"}),
    ("gradient_x_input", {}),
    ("integrated_gradients", {"steps": 3}),
    ("smoothgrad", {"samples": 2, "noise": 0.1}),
    ("lrp", {"rule": "epsilon"}),
    ("lrp", {"rule": "epsilon_plus"}),
    ("lrp", {"rule": "alpha_beta"}),
]


def model_fn(spec, P):
    arch = ARCHS[spec["arch"]]
    return lambda x, ops: arch(P, spec, x, ops)


def flat(t):
    # 9 significant digits hold every float32 exactly and keep files small.
    return [float("%.9g" % v) for v in t.detach().flatten().tolist()]


def fixtures():
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "explainers")
    os.makedirs(out_dir, exist_ok=True)
    for idx, (name, spec) in enumerate(FIXTURE_SPECS.items()):
        gen = torch.Generator().manual_seed(100 + idx)
        B = 2
        h, w, c = spec["input"]
        x = torch.rand(B, h, w, c, generator=gen, dtype=torch.float32).double()
        labels = torch.tensor([0, 2])
        mask = (torch.rand(B, h, w, generator=gen) > 0.5).double()
        P = Params(gen)
        model = model_fn(spec, P)
        model(x, Plain())  # creates the weights
        draws = torch.randn(2, B, h, w, c, generator=gen, dtype=torch.float32).double()
        cases = []
        for ex, opts in FIXTURE_CASES:
            params = {k: v.clone().requires_grad_(True) for k, v in P.values.items()}
            m = model_fn(spec, Params(gen, params))
            o = dict(opts, draws=draws) if ex == "smoothgrad" else opts
            rel = explain(ex, m, x, labels, o)
            loss = location(rel, mask)
            grads = torch.autograd.grad(loss, list(params.values()), allow_unused=True)
            cases.append({
                "explainer": ex,
                "options": opts,
                "loss": loss.item(),
                "relevance": flat(rel),
                "grads": {k: flat(g if g is not None else torch.zeros_like(params[k])) for k, g in zip(params, grads)},
            })
        doc = {
            "about": "float64 PyTorch reference, written by bench/torch-reference.py fixtures",
            "spec": spec,
            "weights": {k: {"shape": list(v.shape), "values": flat(v)} for k, v in P.values.items()},
            "x": flat(x),
            "labels": labels.tolist(),
            "mask": flat(mask),
            "noise": flat(draws),
            "cases": cases,
        }
        path = os.path.join(out_dir, f"{name}.json")
        with open(path, "w") as f:
            json.dump(doc, f)
        print("wrote", os.path.normpath(path), [(c["explainer"], round(c["loss"], 6)) for c in cases])


# ---------------------------------------------------------------- maps + timing

MAP_SPECS = {
    "cnn": {"arch": "cnn", "input": [28, 28, 1], "classes": 10, "widths": [16, 32, 32, 64]},
    "vit": {
        "arch": "vit", "input": [28, 28, 1], "classes": 10, "widths": [32, 64],
        "patch": 4, "depth": 2, "heads": 2,
    },
}
MAP_CASES = [
    ("gradient", {}),
    ("gradient_x_input", {}),
    ("integrated_gradients", {"steps": 20}),
    ("smoothgrad", {"samples": 20, "noise": 0.1}),
]


def maps(path, archs, batch, steps):
    torch.set_num_threads(1)
    doc = {"batch": batch, "models": {}}
    for idx, name in enumerate(archs):
        spec = MAP_SPECS[name]
        gen = torch.Generator().manual_seed(200 + idx)
        h, w, c = spec["input"]
        x = torch.rand(batch, h, w, c, generator=gen, dtype=torch.float32).double()
        labels = torch.arange(batch) % spec["classes"]
        mask = (x[..., 0] > 0.5).double()
        P = Params(gen)
        model = model_fn(spec, P)
        model(x, Plain())
        draws = torch.randn(20, batch, h, w, c, generator=gen, dtype=torch.float32).double()
        out = {
            "spec": spec,
            "weights": {k: {"shape": list(v.shape), "values": flat(v)} for k, v in P.values.items()},
            "x": flat(x),
            "labels": labels.tolist(),
            "noise": flat(draws),
            "maps": [],
            "ms_per_step": {},
        }
        for ex, opts in MAP_CASES:
            o = dict(opts, draws=draws) if ex == "smoothgrad" else opts
            rel = explain(ex, model, x, labels, o, create_graph=False)
            out["maps"].append({"explainer": ex, "options": opts, "relevance": flat(rel)})
        # Alignment step in float32 (what training would use): CE + location
        # loss through the explanation, backward to the weights, AdamW update.
        params = {k: v.float().clone().requires_grad_(True) for k, v in P.values.items()}
        m32 = model_fn(spec, Params(gen, params))
        x32, mask32 = x.float(), mask.float()
        draws32 = draws[:4].float()
        opt = torch.optim.AdamW(params.values(), lr=1e-3)
        for ex, opts in [("gradient", {}), ("integrated_gradients", {"steps": 4}),
                         ("smoothgrad", {"samples": 4, "noise": 0.1}), ("lrp", {"rule": "epsilon_plus"})]:
            o = dict(opts, draws=draws32) if ex == "smoothgrad" else opts

            def step():
                opt.zero_grad()
                ce = F.cross_entropy(m32(x32, Plain()), labels)
                loss = ce + location(explain(ex, m32, x32, labels, o), mask32)
                loss.backward()
                opt.step()

            torch.set_default_dtype(torch.float32)
            for _ in range(2):
                step()
            t0 = time.perf_counter()
            for _ in range(steps):
                step()
            torch.set_default_dtype(torch.float64)
            out["ms_per_step"][ex] = (time.perf_counter() - t0) / steps * 1000
        doc["models"][name] = out
    with open(path, "w") as f:
        json.dump(doc, f)


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "fixtures"
    if mode == "fixtures":
        fixtures()
    elif mode == "maps":
        archs = ["cnn", "vit"]
        batch, steps = 16, 5
        args = sys.argv[3:]
        for i, a in enumerate(args):
            if a == "--arch":
                archs = args[i + 1].split(",")
            if a == "--batch":
                batch = int(args[i + 1])
            if a == "--steps":
                steps = int(args[i + 1])
        maps(sys.argv[2], archs, batch, steps)
    else:
        sys.exit(f"unknown mode {mode}; use fixtures or maps")
