// rmt_vector_body.h — the kernels of rmt_vector.h written once over a vector width, included by
// rmt_vector.c with SUFFIX, TARGET, VEC, W and the V_* operations defined for AVX-512 and for
// AVX2 + FMA (the ggml/llm.c style of one body, several instruction sets). Scalar tails use
// the scalar functions of rmt_vector.c, which share the polynomials.

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define FN(name) CAT(name, SUFFIX)

// e^x, W lanes: NaN propagates (max/min keep the second operand on NaN), exact 0 below −87.34.
static inline __attribute__((always_inline)) TARGET VEC FN(vexp)(VEC x) {
    const VEC lowest = V_SET1(-87.336544f);
    VEC v = V_MIN(V_SET1(88.0f), V_MAX(lowest, x));
    const VEC magic = V_SET1(12582912.0f);
    VEC shifted = V_FMADD(v, V_SET1(1.4426950408889634f), magic);  // round(v / ln 2) in the low bits
    VEC n = V_SUB(shifted, magic);
    VEC r = V_FNMADD(n, V_SET1(0.693359375f), v);
    r = V_FMADD(n, V_SET1(2.1219444005469058e-4f), r);
    VEC z = V_MUL(r, r);
    VEC p = V_SET1(1.9875691500e-4f);
    p = V_FMADD(p, r, V_SET1(1.3981999507e-3f));
    p = V_FMADD(p, r, V_SET1(8.3334519073e-3f));
    p = V_FMADD(p, r, V_SET1(4.1665795894e-2f));
    p = V_FMADD(p, r, V_SET1(1.6666665459e-1f));
    p = V_FMADD(p, r, V_SET1(5.0000001201e-1f));
    p = V_ADD(V_FMADD(p, z, r), V_SET1(1.0f));
    VEC scale = V_POW2_FROM_SHIFTED(shifted);  // 2^n from the bits of `shifted`
    return V_ZERO_WHERE_LESS(V_MUL(p, scale), x, lowest);
}

// erf(|x|) and exp(−x²) (Abramowitz & Stegun 7.1.26 shares the exp).
static inline __attribute__((always_inline)) TARGET VEC FN(verf_magnitude)(VEC x, VEC *gauss) {
    VEC a = V_ABS(x);
    VEC t = V_DIV(V_SET1(1.0f), V_FMADD(V_SET1(0.3275911f), a, V_SET1(1.0f)));
    VEC p = V_SET1(1.061405429f);
    p = V_FMADD(p, t, V_SET1(-1.453152027f));
    p = V_FMADD(p, t, V_SET1(1.421413741f));
    p = V_FMADD(p, t, V_SET1(-0.284496736f));
    p = V_FMADD(p, t, V_SET1(0.254829592f));
    VEC g = FN(vexp)(V_SUB(V_SET1(0.0f), V_MUL(a, a)));
    *gauss = g;
    return V_FNMADD(V_MUL(p, t), g, V_SET1(1.0f));
}

static TARGET void FN(softmax_rows)(float *x, const float *mask, long rows, long cols) {
    const long vec_end = cols - cols % W;
    for (long row = 0; row < rows; row++) {
        float *xr = x + row * cols;
        VEC vmax = V_SET1(-3.402823466e38f);
        long i = 0;
        for (; i < vec_end; i += W) {
            VEC v = V_LOAD(xr + i);
            if (mask) { v = V_ADD(v, V_LOAD(mask + i)); V_STORE(xr + i, v); }
            vmax = V_MAX(vmax, v);
        }
        float m = V_HMAX(vmax);
        for (; i < cols; i++) {
            if (mask) xr[i] += mask[i];
            m = xr[i] > m ? xr[i] : m;
        }
        const VEC vm = V_SET1(m);
        VEC vsum = V_SET1(0.0f);
        for (i = 0; i < vec_end; i += W) {
            VEC e = FN(vexp)(V_SUB(V_LOAD(xr + i), vm));
            V_STORE(xr + i, e);
            vsum = V_ADD(vsum, e);
        }
        float sum = V_HSUM(vsum);
        for (; i < cols; i++) { xr[i] = scalar_exp(xr[i] - m); sum += xr[i]; }
        const float inv = 1.0f / sum;
        const VEC vinv = V_SET1(inv);
        for (i = 0; i < vec_end; i += W) V_STORE(xr + i, V_MUL(V_LOAD(xr + i), vinv));
        for (; i < cols; i++) xr[i] *= inv;
    }
}

static TARGET void FN(gelu_forward)(float *out, const float *inp, long count) {
    const long vec_end = count - count % W;
    long i = 0;
    for (; i < vec_end; i += W) {
        VEC x = V_LOAD(inp + i), gauss;
        VEC erf = V_COPYSIGN(FN(verf_magnitude)(V_MUL(x, V_SET1(0.70710678118654752f)), &gauss), x);
        V_STORE(out + i, V_MUL(V_MUL(V_SET1(0.5f), x), V_ADD(V_SET1(1.0f), erf)));
    }
    for (; i < count; i++) out[i] = scalar_gelu(inp[i]);
}

static TARGET void FN(gelu_backward)(float *dinp, const float *dout, const float *inp, long count) {
    const long vec_end = count - count % W;
    long i = 0;
    for (; i < vec_end; i += W) {
        VEC x = V_LOAD(inp + i), gauss;
        VEC erf = V_COPYSIGN(FN(verf_magnitude)(V_MUL(x, V_SET1(0.70710678118654752f)), &gauss), x);
        // Φ(x) + x·φ(x) = 0.5·(1 + erf(x/√2)) + x·exp(−x²/2)/√(2π)
        VEC d = V_FMADD(V_MUL(x, gauss), V_SET1(0.3989422804014327f),
                        V_MUL(V_SET1(0.5f), V_ADD(V_SET1(1.0f), erf)));
        V_STORE(dinp + i, V_FMADD(V_LOAD(dout + i), d, V_LOAD(dinp + i)));
    }
    for (; i < count; i++) dinp[i] += dout[i] * scalar_gelu_derivative(inp[i]);
}

// pre[r, :] += bias; act[r, :] = gelu(pre[r, :]) — the FFN's bias and activation in one pass
// over the GEMM output (pre keeps the biased input, which the backward pass reads).
static TARGET void FN(bias_gelu)(float *act, float *pre, const float *bias, long rows, long cols) {
    const long vec_end = cols - cols % W;
    for (long r = 0; r < rows; r++) {
        float *p = pre + r * cols, *a = act + r * cols;
        long i = 0;
        for (; i < vec_end; i += W) {
            VEC x = V_ADD(V_LOAD(p + i), V_LOAD(bias + i)), gauss;
            V_STORE(p + i, x);
            VEC erf = V_COPYSIGN(FN(verf_magnitude)(V_MUL(x, V_SET1(0.70710678118654752f)), &gauss), x);
            V_STORE(a + i, V_MUL(V_MUL(V_SET1(0.5f), x), V_ADD(V_SET1(1.0f), erf)));
        }
        for (; i < cols; i++) { p[i] += bias[i]; a[i] = scalar_gelu(p[i]); }
    }
}

// res[r, :] += bias + skip[r, :]; out[r, :] = LayerNorm(res[r, :]) · weight + ln_bias, saving
// the row's mean and 1/std — the residual add and LayerNorm after a projection, in one pass
// that sums while it adds, then one that sums squares and one that writes. mean, rstd: NULL = not kept.
static TARGET void FN(residual_layernorm)(float *out, float *mean, float *rstd, float *res, const float *bias,
                                          const float *skip, const float *weight, const float *ln_bias,
                                          long rows, long cols, float eps) {
    const long vec_end = cols - cols % W;
    for (long r = 0; r < rows; r++) {
        float *x = res + r * cols, *y = out + r * cols;
        const float *s = skip + r * cols;
        VEC vs = V_SET1(0.0f);
        long i = 0;
        for (; i < vec_end; i += W) {
            VEC v = V_ADD(V_ADD(V_LOAD(x + i), V_LOAD(bias + i)), V_LOAD(s + i));
            V_STORE(x + i, v);
            vs = V_ADD(vs, v);
        }
        float sum = V_HSUM(vs);
        for (; i < cols; i++) { x[i] = x[i] + bias[i] + s[i]; sum += x[i]; }
        const float m = sum / (float)cols;
        const VEC vm = V_SET1(m);
        VEC vv = V_SET1(0.0f);
        for (i = 0; i < vec_end; i += W) { VEC d = V_SUB(V_LOAD(x + i), vm); vv = V_FMADD(d, d, vv); }
        float var = V_HSUM(vv);
        for (; i < cols; i++) { float d = x[i] - m; var += d * d; }
        const float rs = 1.0f / __builtin_sqrtf(var / (float)cols + eps);
        const VEC vr = V_SET1(rs);
        for (i = 0; i < vec_end; i += W) {
            VEC n = V_MUL(V_SUB(V_LOAD(x + i), vm), vr);
            V_STORE(y + i, V_FMADD(n, V_LOAD(weight + i), V_LOAD(ln_bias + i)));
        }
        for (; i < cols; i++) y[i] = (x[i] - m) * rs * weight[i] + ln_bias[i];
        if (mean) mean[r] = m;
        if (rstd) rstd[r] = rs;
    }
}

// AdamW over n elements, the exact operation order of the Swift twin (AdamW.update): separate
// multiplies and adds, IEEE division and square root, no fused multiply-add — so every lane is
// bit-identical to the plain loop. The tail is written one operation per statement so that the
// compiler cannot contract it either.
static TARGET void FN(adamw_update)(float *p, const float *g, float *m, float *v, long n, float b1, float b2,
                                    float c1, float c2, float eps, float lr, float wd) {
    const float ob1 = 1.0f - b1, ob2 = 1.0f - b2;
    const VEC vb1 = V_SET1(b1), vb2 = V_SET1(b2), vob1 = V_SET1(ob1), vob2 = V_SET1(ob2);
    const VEC vc1 = V_SET1(c1), vc2 = V_SET1(c2), veps = V_SET1(eps), vlr = V_SET1(lr), vwd = V_SET1(wd);
    long i = 0;
    for (; i + W <= n; i += W) {
        const VEC gi = V_LOAD(g + i);
        const VEC mi = V_ADD(V_MUL(vb1, V_LOAD(m + i)), V_MUL(vob1, gi));
        const VEC vi = V_ADD(V_MUL(vb2, V_LOAD(v + i)), V_MUL(V_MUL(vob2, gi), gi));
        V_STORE(m + i, mi);
        V_STORE(v + i, vi);
        const VEC pi = V_LOAD(p + i);
        const VEC ratio = V_DIV(V_DIV(mi, vc1), V_ADD(V_SQRT(V_DIV(vi, vc2)), veps));
        V_STORE(p + i, V_SUB(pi, V_MUL(vlr, V_ADD(ratio, V_MUL(vwd, pi)))));
    }
    for (; i < n; i++) {
        const float a = b1 * m[i];
        const float b = ob1 * g[i];
        const float mi = a + b;
        const float c = b2 * v[i];
        const float d0 = ob2 * g[i];
        const float d = d0 * g[i];
        const float vi = c + d;
        m[i] = mi;
        v[i] = vi;
        const float root = __builtin_sqrtf(vi / c2);
        const float ratio = (mi / c1) / (root + eps);
        const float decay = wd * p[i];
        const float step = ratio + decay;
        const float scaled = lr * step;
        p[i] = p[i] - scaled;
    }
}

#undef FN
#undef CAT
#undef CAT_
