/* lif_simd.c — the vectorised per-step membrane update of the LIF population. */
#include "lif.h"

/* One exact step for every neuron, written branch-free so GCC vectorises it
 * (this file gets -O3 -mavx2 -mfma).  Refractory neurons are held at vrest
 * but their synaptic currents keep decaying, as in the authors' code.  NaN
 * never reaches here: the binding and gn_lif_run validate every input.
 * `syn` and `nmda` are compile-time constants in each instantiation below, so
 * a population without synapses does not stream two arrays of zeros. */
static inline __attribute__((always_inline)) size_t
kernel(size_t n, double *restrict v, double *restrict ampa, double *restrict nmda,
       int32_t *restrict ref, uint8_t *restrict spk, const double *restrict I, double I0,
       double vinh, const gn_lif_params *p, const gn_lif_prop *q, const int syn, const int usenmda)
{
    const double vrest = p->vrest, vth = p->vth, R = p->R;
    const double em = q->em, ea = q->ea, en = q->en;
    const double ra = R * q->pa, rn = R * q->pn;
    const double pinh = q->pi * vinh;   /* inhibition's effect this step, shared */
    const double oneminus = 1.0 - em;
    const int32_t nref = q->nref;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        double Ii = I ? I[i] : I0;
        /* vinf + (v − vinf) em with vinf = vrest + R I, plus the synaptic and
         * inhibitory responses over the step. */
        double vn = v[i] * em + (vrest + R * Ii) * oneminus - pinh;
        if (syn) vn += ra * ampa[i];
        if (usenmda) vn += rn * nmda[i];
        int32_t r = ref[i];
        int refr = r > 0;
        vn = refr ? vrest : vn;
        r = refr ? r - 1 : r;
        int s = vn > vth;
        v[i] = s ? vrest : vn;
        ref[i] = s ? nref : r;
        spk[i] = (uint8_t)s;
        count += (size_t)s;
        if (syn) ampa[i] *= ea;
        if (usenmda) nmda[i] *= en;
    }
    return count;
}

size_t gn_lif_kernel(size_t n, double *restrict v, double *restrict ampa, double *restrict nmda,
                     int32_t *restrict ref, uint8_t *restrict spk, const double *restrict I,
                     double I0, double vinh, const gn_lif_params *p, const gn_lif_prop *q)
{
    if (q->syn == 0) return kernel(n, v, ampa, nmda, ref, spk, I, I0, vinh, p, q, 0, 0);
    if (q->syn == 1) return kernel(n, v, ampa, nmda, ref, spk, I, I0, vinh, p, q, 1, 0);
    return kernel(n, v, ampa, nmda, ref, spk, I, I0, vinh, p, q, 1, 1);
}
