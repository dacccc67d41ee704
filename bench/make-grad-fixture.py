"""Float64 reference for the location loss's gradient w.r.t. the weights.

Builds the `cnn` architecture (small widths, 8x8 input) in PyTorch with the
same layouts as alignlab (NHWC activations, [kh, kw, in, out] kernels,
space-to-depth channel order (dh, dw, c)), draws float32-representable
weights and inputs from a fixed seed, and stores them with the float64 loss
and gradients in test/fixtures/location-loss-grad.json.

    /usr/bin/python3 bench/make-grad-fixture.py
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(7)
B, H, W, C, K = 4, 8, 8, 1, 3
WIDTHS = [2, 3, 3, 4]
LAMBDA = 0.7


def f32(*shape, scale=1.0):
    return (torch.randn(*shape) * scale).float().double()


c1, c2, c3, c4 = WIDTHS
weights = {
    "conv1/kernel": f32(3, 3, C, c1, scale=0.6),
    "conv1/bias": f32(c1, scale=0.1),
    "down1/kernel": f32(1, 1, 4 * c1, c2, scale=0.5),
    "down1/bias": f32(c2, scale=0.1),
    "conv2/kernel": f32(3, 3, c2, c3, scale=0.4),
    "conv2/bias": f32(c3, scale=0.1),
    "down2/kernel": f32(1, 1, 4 * c3, c4, scale=0.4),
    "down2/bias": f32(c4, scale=0.1),
    "dense/kernel": f32((H // 4) * (W // 4) * c4, K, scale=0.3),
    "dense/bias": f32(K, scale=0.1),
}
x = torch.rand(B, H, W, C).float().double()
labels = torch.tensor([0, 1, 2, 1])
mask = (torch.rand(B, H, W) > 0.5).double()


def conv_same(t, k, b):
    y = F.conv2d(t.permute(0, 3, 1, 2), k.permute(3, 2, 0, 1), padding=(k.shape[0] - 1) // 2)
    return F.relu(y.permute(0, 2, 3, 1) + b)


def s2d(t):
    b, h, w, c = t.shape
    t = t.reshape(b, h // 2, 2, w // 2, 2, c).permute(0, 1, 3, 2, 4, 5)
    return t.reshape(b, h // 2, w // 2, 4 * c)


def forward(p, t):
    y = conv_same(t, p["conv1/kernel"], p["conv1/bias"])
    y = conv_same(s2d(y), p["down1/kernel"], p["down1/bias"])
    y = conv_same(y, p["conv2/kernel"], p["conv2/bias"])
    y = conv_same(s2d(y), p["down2/kernel"], p["down2/bias"])
    return y.reshape(t.shape[0], -1) @ p["dense/kernel"] + p["dense/bias"]


def location(rel, m, target):
    r = rel.clamp(min=0).mean(dim=3)
    lo = r.amin(dim=(1, 2), keepdim=True)
    hi = r.amax(dim=(1, 2), keepdim=True)
    norm = (r - lo) / (hi - lo + 1e-6)
    goal = m if target == "in_mask" else 1 - m
    return ((norm - goal) ** 2).mean(dim=(1, 2)).mean()


cases = []
for target in ("in_mask", "out_mask"):
    p = {k: v.clone().requires_grad_(True) for k, v in weights.items()}
    xi = x.clone().requires_grad_(True)
    logits = forward(p, xi)
    score = logits.gather(1, labels[:, None]).sum()
    (rel,) = torch.autograd.grad(score, xi, create_graph=True)
    loc = location(rel, mask, target)
    total = F.cross_entropy(forward(p, x), labels) + LAMBDA * loc
    grads = torch.autograd.grad(total, list(p.values()))
    cases.append(
        {
            "target": target,
            "loss": total.item(),
            "location": loc.item(),
            "grads": {k: g.flatten().tolist() for k, g in zip(p.keys(), grads)},
        }
    )

out = {
    "about": "float64 PyTorch reference, written by bench/make-grad-fixture.py",
    "shape": [B, H, W, C],
    "classes": K,
    "widths": WIDTHS,
    "lambda": LAMBDA,
    "weights": {k: {"shape": list(v.shape), "values": v.flatten().tolist()} for k, v in weights.items()},
    "x": x.flatten().tolist(),
    "labels": labels.tolist(),
    "mask": mask.flatten().tolist(),
    "cases": cases,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "location-loss-grad.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path, [(c["target"], c["loss"]) for c in cases])
