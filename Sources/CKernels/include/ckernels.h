#ifndef CKERNELS_H
#define CKERNELS_H

// The innermost loops of the streamed fits: Float rows in, Double sums out, column by column.
// Each column's arithmetic is the same whichever columns a call covers, so results do not depend
// on how the columns are split among threads. On x86-64 machines with AVX2 and FMA these run
// 4-wide with fused multiply-adds (picked once at run time); elsewhere the same C, as compiled.
// Strides are in elements. Pointers of one call never overlap.

/// out[c] = Σ_{a<m} x[a·xs + c] · w[a·ws + c], for c < n.
void ck_dot_rows(const float *x, long xs, const double *w, long ws, long m, long n, double *out);

/// sums[a·ss + c] += x[a·xs + c] · p[c], for a < m, c < n.
void ck_axpy_rows(const float *x, long xs, const double *p, long m, long n, double *sums, long ss);

/// squares[c] += Σ_{a<m} x[a·xs + c]², for c < n.
void ck_square_rows(const float *x, long xs, long m, long n, double *squares);

/// For each of `rows` grid rows g (m table rows each, starting at x + q·m·xs) and r ≤ r2 < m:
/// sums[(r·m + r2)·ss + c] += g[r][c] · g[r2][c], for c < n.
void ck_gram_rows(const float *x, long xs, long rows, long m, long n, double *sums, long ss);

/// One ALS step over `rows` grid rows of `m` cells (starting at x + q·m·xs), columns c < n:
/// b = Σ_r x[r][c]·a[r·as + c] / norm[c] (0 when norm is 0), or slow[q·bs + c] when `fixed`;
/// then slow[q·bs + c] = b (rounded to Float), weight[c] += b², squares[c] += Σ_r x[r][c]²,
/// numerator[r·ns + c] += b·x[r][c]. A null `squares` skips that sum.
void ck_sweep_rows(const float *x, long xs, long rows, long m, long n, const double *a, long as,
                   const double *norm, int fixed, float *slow, long bs, double *weight, double *squares,
                   double *numerator, long ns);

/// Row by row, for `rows` rows (x + i·xs), c < n: squares[c] += x², and for each partition j < k
/// sums[j][bucket_j(i)·ss[j] + c] += x, where bucket_j follows (divisor, modulus, offset, bucket)
/// cursors as in PartitionCursor. cursors: k × 4 longs (divisor, modulus, offset, bucket), advanced.
void ck_bucket_rows(const float *x, long xs, long rows, long n, double *squares, long k, double *const *sums,
                    const long *ss, long *cursors);

/// The index of the first NaN or ±Inf among `count` floats, or -1 when all are finite.
long ck_first_nonfinite(const float *values, long count);

/// One block update of the weighted block-coordinate fit (docs/fits.md, "Weighted fits"), columns
/// c0 ≤ c < c1 of a `rows × width` residual R (row-major, Double) of one term of k partitions.
/// Partition j of the term (table `tables[j]`, `moduli[j] × width`) is replaced by its closed-form
/// least-squares update given the other partitions:
///   mult: T_j[b][c] = Σ_{i∈b} w_i (R_i[c] + term_i[c]) P_i[c] / Σ_{i∈b} w_i P_i[c]²,
///         P_i = Π_{l≠j} T_l[p_l(i)], term_i = P_i T_j[p_j(i)]
///   add (`additive` ≠ 0): T_j[b][c] = Σ_{i∈b} w_i (R_i[c] + T_j[p_j(i)][c]) / Σ_{i∈b} w_i
/// A bucket whose denominator is 0 keeps its value. R is updated to the new term, and
/// error[c] = Σ_i w_i R_i[c]² afterwards. Null `weights` means every w_i = 1. `numerator` and
/// `denominator` are `moduli[j] × width` scratch, zeroed here over the column range. Every sum runs
/// over the ids in order, per column, so the result does not depend on how columns are split.
void ck_rule_block_update(long rows, long width, long c0, long c1, long k, const long *divisors,
                          const long *moduli, double *const *tables, long j, int additive, double *residual,
                          const double *weights, double *numerator, double *denominator, double *error);

/// residual[i][c] −= term(i)[c] for c0 ≤ c < c1: the product (or, `additive` ≠ 0, the sum) of the
/// k partitions' rows of id i, tables as in ck_rule_block_update.
void ck_rule_subtract_term(long rows, long width, long c0, long c1, long k, const long *divisors,
                           const long *moduli, double *const *tables, int additive, double *residual);

/// The joint update of partition j of all `terms` mult terms (rank-R CP ALS): per bucket b and
/// column c, the R values T_{r,j}[b][c] solve the weighted R × R normal equations
///   Σ_{i∈b} w_i p_r p_s · x_s = Σ_{i∈b} w_i p_r (R_i[c] + Σ_s p_s T_{s,j}[b][c]),  p_r = Π_{l≠j} T_{r,l}[p_l(i)][c]
/// (a ridge of 1e-12 of the trace keeps a singular system solvable). `tables[r·k + l]` is
/// partition l of term r. `normal` holds moduli[j]·width·R² Doubles and `right` moduli[j]·width·R,
/// zeroed here over the column range; R ≤ 16. Residual and error as in ck_rule_block_update.
void ck_rule_joint_update(long rows, long width, long c0, long c1, long k, long terms, const long *divisors,
                          const long *moduli, double *const *tables, long j, double *residual,
                          const double *weights, double *normal, double *right, double *error);
// The report's per-row kernels. Unlike the fits' kernels above these never contract a multiply and
// an add into one rounding, and keep a fixed lane structure (8 partial sums, added in a fixed
// order), so the baseline and the AVX2 builds give the same bits on every machine.

/// For each of `rows` rows (x + i·xs against y + i·ys, n values): out[5·i …] = Σ(x−y)², Σx²,
/// Σy², Σx·y, max|x−y|, every term in Double.
void ck_compare_rows(const float *x, long xs, const float *y, long ys, long rows, long n, double *out);

/// For each of `rows` rows: out[i] = Σ_c (x_c − x̂_c)² in Double, where x̂ is the value int8
/// row-wise quantization reads back (bias = min, scale = (max − min)/255, q = round-to-even of
/// (x − bias)/scale clamped to 0…255, x̂ = q·scale + bias, all in float32; a row whose scale is 0
/// or not finite reads back as its bias).
void ck_int8_error_rows(const float *x, long xs, long rows, long n, double *out);

/// For each of `rows` rows: out[i] = Σ_c (x_c − f16(x_c))² in Double, f16 the nearest binary16
/// (ties to even) after clamping to ±65504. Through F16C where the CPU has it.
void ck_f16_error_rows(const float *x, long xs, long rows, long n, double *out);

/// sums[i·ss + c] += x[i·xs + c] for i < rows, c < n; with `w` (non-null), += w[i]·x[i·xs + c].
void ck_add_rows(const float *x, long xs, const double *w, long rows, long n, double *sums, long ss);


/// Whether the F16C path is the one taken (for benchmarks and docs).
int ck_has_f16c(void);

/// The k largest of a query's cosines other than position `skip`, by descending value, ties to
/// the smaller position, over one tile of them (`cosines`, positions first … first + n − 1),
/// resumed from the `*filled` (≤ k) entries of best/found kept so far; `*filled` is updated.
/// Tiles handed over in position order give what one pass over the whole row would.
void ck_top_k_tile(const float *cosines, long n, long first, long skip, long k, long *filled, float *best,
                   int *found);

/// out[c] = x[c] as it reads back from IEEE binary16 (clamped to ±65504, round to nearest even),
/// for c < n: F16C when the machine has it.
void ck_f16_round(const float *x, long n, float *out);

/// Rows first … first + rows − 1 of one mult (or, `additive` ≠ 0, add) term of k partitions, each
/// `n` wide: out[i·os + c] = T_0[b_0][c] ∘ T_1[b_1][c] ∘ …, left to right in float32, with
/// b_j = (id / divisors[j]) % moduli[j]; the same bits as CompositionalTables.embedding.
void ck_rebuild_rows(long first, long rows, long n, long k, const long *divisors, const long *moduli,
                     const float *const *tables, int additive, float *out, long os);

/// open(2)'s O_DIRECT, which Swift's Glibc module leaves out (it is a _GNU_SOURCE flag).
int ck_o_direct(void);

#endif
