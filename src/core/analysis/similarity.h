/* similarity.h — neuron × neuron similarity of recorded activity: by PCA
 * loadings (top-k components) or by correlation. */
#ifndef GN_SIMILARITY_H
#define GN_SIMILARITY_H

#include <gsl/gsl_matrix.h>

#include "gn.h"
#include "pca.h"

/* S (n×n) = Pearson correlation of the columns of R (T×n, T >= 2, finite).
 * A constant column (centred norm <= 1e-12·(1 + max|column|)·√T) has no
 * defined correlation: its row and column are 0, its diagonal 1, so it is
 * never picked as "most similar" by accident.  No T×n scratch (gram.h).
 * cancel (may be NULL) is polled between blocks of rows of a large Gram
 * accumulation (gn_gram_centred; GN_EINTR). */
int gn_similarity_corr(const gsl_matrix *R, gsl_matrix *S, const gn_cancel *cancel, gn_err *err);

/* S (n×n) = cosine between the neurons' loading vectors on the top k
 * principal components of a fitted PCA, loadings scaled by the component's
 * standard deviation: L_i = (V_i1 √λ_1, …, V_ik √λ_k).  With k = all
 * components this is exactly the correlation (L Lᵀ is the covariance);
 * with fewer it is the correlation of the rank-k reconstruction, which
 * ignores low-variance differences.  Neurons with a zero loading vector are
 * treated like constant ones above.  1 <= k <= p->k.  cancel may be NULL;
 * with one, a product L Lᵀ of more than gn_child_min_flops() (2n²k) runs
 * in a child process that Ctrl-C kills (child.h: GN_EINTR after exactly two
 * polls; S bit for bit the one computed here); a smaller one never polls. */
int gn_similarity_pca(const gn_pca *p, size_t k, gsl_matrix *S, const gn_cancel *cancel, gn_err *err);

#endif
