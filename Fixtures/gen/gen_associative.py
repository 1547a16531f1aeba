"""The associative memory of ARMT (Rodkin et al. 2024) as its own code computes it, for
Tests/RMTKernelsTests/AssociativeFixtureTests.swift: three segments through one wrapped layer.

Mirrors RodkinIvan/associative-recurrent-memory-transformer, modeling_amt/language_modeling.py,
line for line (DPFP, AssociativeLayerWrapper.associate / forward / update_mem with
correction=True), in NumPy float64 instead of torch: PyPI's torch wheel for Linux pulls ~3 GB
of CUDA packages, and these are a dozen array operations whose torch semantics are the same in
NumPy (torch.roll(x, j) and np.roll(x, j) both give out[i] = x[i - j]; einsum spells alike).
The wrapped layer is h -> tanh(h @ L) (a fixed random matrix) so the write reads a nonlinear
function of the read. The memory rows are the last M rows of each segment, as ARMT appends its
memory tokens.

Run:  python3 Fixtures/gen/gen_associative.py      (writes Fixtures/associative/armt-chain.json)
"""
import json, os
import numpy as np

def relu(x):
    return np.maximum(x, 0)

def dpfp(x, nu):                                   # DPFP.__call__
    x = np.concatenate([relu(x), relu(-x)], axis=-1)
    x_rolled = np.concatenate([np.roll(x, j, axis=-1) for j in range(1, nu + 1)], axis=-1)
    x_repeat = np.concatenate([x] * nu, axis=-1)
    return x_repeat * x_rolled

def main():
    rng = np.random.default_rng(20261202)
    T, C, M, D, NU, SEGMENTS = 5, 6, 2, 3, 2, 3
    K = 2 * NU * D
    W_mq = rng.normal(0, 0.6, (D, C))               # torch Linear weights are (out, in)
    W_mk = rng.normal(0, 0.6, (D, C))
    W_mv = rng.normal(0, 0.5, (C, C))
    W_mb = rng.normal(0, 0.5, (1, C)); b_mb = rng.normal(0, 0.2, (1,))
    L = rng.normal(0, 0.5, (C, C))
    inputs = [rng.normal(0, 1, (T, C)) for _ in range(SEGMENTS)]

    W_mem = np.zeros((K, C)); z = np.zeros(K); first_seg = True
    outputs, reads = [], []
    for h in inputs:
        if not first_seg:                           # forward: associate(h) + h
            mq = dpfp(h @ W_mq.T, NU)
            num = mq @ W_mem
            denom = (mq @ z)[:, None] + 1e-5
            h = num / denom + h
        out = np.tanh(h @ L)                        # the wrapped layer
        mem_tokens = out[-M:]                       # update_mem(out[:, -num_mem_tokens:])
        mk = dpfp(mem_tokens @ W_mk.T, NU)
        new_mv = mem_tokens @ W_mv.T
        if not first_seg:
            num = mk @ W_mem
            denom = (mk @ z)[:, None] + 1e-5
            prev_mv = num / denom
            new_info_coef = np.clip(1 - denom / (np.linalg.norm(mk, axis=-1) ** 2 + 1e-5)[:, None], 0, 1)
        else:
            prev_mv = np.zeros_like(new_mv)
            new_info_coef = np.ones((M, 1))
        mv = new_mv - prev_mv
        mb = 1 / (1 + np.exp(-(mem_tokens @ W_mb.T + b_mb)))[:, 0]
        W_mem = W_mem + np.einsum('jk,jt,j->kt', mk, mv, mb)
        z = z + (new_info_coef * mk).sum(axis=0)
        first_seg = False
        reads.append(h.tolist()); outputs.append(out.tolist())

    result = {
        "sizes": {"T": T, "C": C, "M": M, "D": D, "nu": NU, "segments": SEGMENTS, "eps": 1e-5},
        "query": W_mq.tolist(), "key": W_mk.tolist(), "value": W_mv.tolist(),
        "beta_weight": W_mb.tolist(), "beta_bias": b_mb.tolist(), "layer": L.tolist(),
        "inputs": [x.tolist() for x in inputs],
        "layer_inputs": reads, "layer_outputs": outputs,
        "final_A": W_mem.tolist(), "final_z": z.tolist(),
    }
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "associative")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "armt-chain.json"), "w") as f:
        json.dump(result, f)
        f.write("\n")
    print("wrote Fixtures/associative/armt-chain.json; numpy", np.__version__)

if __name__ == "__main__":
    main()
