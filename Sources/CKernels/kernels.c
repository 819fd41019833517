#include "ckernels.h"

// Each kernel's body is written once (an always-inline function) and compiled twice: as the
// target's baseline, and, on x86-64, for AVX2 with FMA. The public function picks one per call
// from a flag set once.

#define INLINE static inline __attribute__((always_inline))

INLINE void dot_rows(const float *restrict x, long xs, const double *restrict w, long ws, long m, long n,
                     double *restrict out) {
  // Sixteen columns at a time, their sums in registers across the m rows.
  long c0 = 0;
  for (; c0 + 16 <= n; c0 += 16) {
    double sum[16] = {0};
    for (long a = 0; a < m; a++) {
      const float *restrict xa = x + a * xs + c0;
      const double *restrict wa = w + a * ws + c0;
      for (long c = 0; c < 16; c++) sum[c] += (double)xa[c] * wa[c];
    }
    for (long c = 0; c < 16; c++) out[c0 + c] = sum[c];
  }
  for (long c = c0; c < n; c++) {
    double sum = 0;
    for (long a = 0; a < m; a++) sum += (double)x[a * xs + c] * w[a * ws + c];
    out[c] = sum;
  }
}

INLINE void axpy_rows(const float *restrict x, long xs, const double *restrict p, long m, long n,
                      double *restrict sums, long ss) {
  long c0 = 0;
  for (; c0 + 16 <= n; c0 += 16) {
    double factor[16];
    for (long c = 0; c < 16; c++) factor[c] = p[c0 + c];
    for (long a = 0; a < m; a++) {
      const float *restrict xa = x + a * xs + c0;
      double *restrict sa = sums + a * ss + c0;
      for (long c = 0; c < 16; c++) sa[c] += (double)xa[c] * factor[c];
    }
  }
  for (long a = 0; a < m; a++) {
    for (long c = c0; c < n; c++) sums[a * ss + c] += (double)x[a * xs + c] * p[c];
  }
}

INLINE void square_rows(const float *restrict x, long xs, long m, long n, double *restrict squares) {
  for (long a = 0; a < m; a++) {
    const float *restrict xa = x + a * xs;
    for (long c = 0; c < n; c++) squares[c] += (double)xa[c] * (double)xa[c];
  }
}

INLINE void gram_rows(const float *restrict x, long xs, long rows, long m, long n, double *restrict sums, long ss) {
  // Columns in chunks of 16, so a grid row's cells stay in registers or L1 across the pairs.
  for (long c0 = 0; c0 < n; c0 += 16) {
    long width = n - c0 < 16 ? n - c0 : 16;
    for (long q = 0; q < rows; q++) {
      const float *restrict g = x + q * m * xs + c0;
      double cells[16 * 16];
      for (long r = 0; r < m; r++)
        for (long c = 0; c < width; c++) cells[r * 16 + c] = g[r * xs + c];
      for (long r = 0; r < m; r++) {
        for (long r2 = r; r2 < m; r2++) {
          double *restrict target = sums + (r * m + r2) * ss + c0;
          for (long c = 0; c < width; c++) target[c] += cells[r * 16 + c] * cells[r2 * 16 + c];
        }
      }
    }
  }
}

INLINE void sweep_rows(const float *restrict x, long xs, long rows, long m, long n, const double *restrict a,
                       long as, const double *restrict norm, int fixed, float *restrict slow, long bs,
                       double *restrict weight, double *restrict squares, double *restrict numerator, long ns) {
  // Grid row by grid row (so a row read once stays in cache), columns in chunks of 32 so the
  // per-row sums live on the stack.
  for (long q = 0; q < rows; q++) {
    for (long c0 = 0; c0 < n; c0 += 32) {
      long width = n - c0 < 32 ? n - c0 : 32;
      double dot[32], sq[32], b[32];
      const float *restrict g = x + q * m * xs + c0;
      for (long c = 0; c < width; c++) dot[c] = sq[c] = 0;
      if (squares) {
        for (long r = 0; r < m; r++) {
          const float *restrict gr = g + r * xs;
          const double *restrict ar = a + r * as + c0;
          for (long c = 0; c < width; c++) {
            double v = gr[c];
            dot[c] += v * ar[c];
            sq[c] += v * v;
          }
        }
      } else {
        for (long r = 0; r < m; r++) {
          const float *restrict gr = g + r * xs;
          const double *restrict ar = a + r * as + c0;
          for (long c = 0; c < width; c++) dot[c] += (double)gr[c] * ar[c];
        }
      }
      float *restrict row = slow + q * bs + c0;
      for (long c = 0; c < width; c++) {
        double value = fixed ? (double)row[c] : (norm[c0 + c] > 0 ? dot[c] / norm[c0 + c] : 0);
        row[c] = (float)value;
        b[c] = value;
        weight[c0 + c] += value * value;
      }
      if (squares) {
        for (long c = 0; c < width; c++) squares[c0 + c] += sq[c];
      }
      for (long r = 0; r < m; r++) {
        const float *restrict gr = g + r * xs;
        double *restrict target = numerator + r * ns + c0;
        for (long c = 0; c < width; c++) target[c] += b[c] * (double)gr[c];
      }
    }
  }
}

INLINE void bucket_rows(const float *restrict x, long xs, long rows, long n, double *restrict squares, long k,
                        double *const *sums, const long *ss, long *cursors) {
  for (long i = 0; i < rows; i++) {
    const float *restrict row = x + i * xs;
    for (long c = 0; c < n; c++) squares[c] += (double)row[c] * (double)row[c];
    for (long j = 0; j < k; j++) {
      long *cursor = cursors + 4 * j;
      double *restrict target = sums[j] + cursor[3] * ss[j];
      for (long c = 0; c < n; c++) target[c] += (double)row[c];
      cursor[2] += 1;
      if (cursor[2] == cursor[0]) {
        cursor[2] = 0;
        cursor[3] += 1;
        if (cursor[3] == cursor[1]) cursor[3] = 0;
      }
    }
  }
}

INLINE long first_nonfinite(const float *restrict values, long count) {
  // A value is finite when its exponent bits are not all ones; test 64 at a time, then find it.
  const unsigned *restrict bits = (const unsigned *)values;
  long i = 0;
  for (; i + 64 <= count; i += 64) {
    unsigned bad = 0;
    for (long j = 0; j < 64; j++) bad |= ((bits[i + j] & 0x7f800000u) == 0x7f800000u);
    if (bad) break;
  }
  for (; i < count; i++) {
    if ((bits[i] & 0x7f800000u) == 0x7f800000u) return i;
  }
  return -1;
}

#define KERNELS(SUFFIX, ATTR)                                                                              \
  ATTR static void ck_dot_rows_##SUFFIX(const float *x, long xs, const double *w, long ws, long m, long n,      \
                                        double *out) {                                                       \
    dot_rows(x, xs, w, ws, m, n, out);                                                                       \
  }                                                                                                          \
  ATTR static void ck_axpy_rows_##SUFFIX(const float *x, long xs, const double *p, long m, long n, double *sums, \
                                         long ss) {                                                          \
    axpy_rows(x, xs, p, m, n, sums, ss);                                                                     \
  }                                                                                                          \
  ATTR static void ck_square_rows_##SUFFIX(const float *x, long xs, long m, long n, double *squares) {          \
    square_rows(x, xs, m, n, squares);                                                                       \
  }                                                                                                          \
  ATTR static void ck_gram_rows_##SUFFIX(const float *x, long xs, long rows, long m, long n, double *sums,      \
                                         long ss) {                                                          \
    gram_rows(x, xs, rows, m, n, sums, ss);                                                                  \
  }                                                                                                          \
  ATTR static void ck_sweep_rows_##SUFFIX(const float *x, long xs, long rows, long m, long n, const double *a,  \
                                          long as, const double *norm, int fixed, float *slow, long bs,     \
                                          double *weight, double *squares, double *numerator, long ns) {     \
    sweep_rows(x, xs, rows, m, n, a, as, norm, fixed, slow, bs, weight, squares, numerator, ns);             \
  }                                                                                                          \
  ATTR static void ck_bucket_rows_##SUFFIX(const float *x, long xs, long rows, long n, double *squares, long k, \
                                           double *const *sums, const long *ss, long *cursors) {             \
    bucket_rows(x, xs, rows, n, squares, k, sums, ss, cursors);                                              \
  }                                                                                                          \
  ATTR static long ck_first_nonfinite_##SUFFIX(const float *values, long count) {                              \
    return first_nonfinite(values, count);                                                                   \
  }

KERNELS(base, )

#if defined(__x86_64__) && defined(__clang__)
KERNELS(avx2, __attribute__((target("avx2,fma"))))

static int use_avx2(void) {
  static volatile int known = -1;
  int value = known;
  if (value < 0) {
    __builtin_cpu_init();
    value = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    known = value;
  }
  return value;
}
#define PICK(name, ...) (use_avx2() ? name##_avx2(__VA_ARGS__) : name##_base(__VA_ARGS__))
#define PICK_VALUE(name, ...) (use_avx2() ? name##_avx2(__VA_ARGS__) : name##_base(__VA_ARGS__))
#else
#define PICK(name, ...) name##_base(__VA_ARGS__)
#define PICK_VALUE(name, ...) name##_base(__VA_ARGS__)
#endif

void ck_dot_rows(const float *x, long xs, const double *w, long ws, long m, long n, double *out) {
  PICK(ck_dot_rows, x, xs, w, ws, m, n, out);
}
void ck_axpy_rows(const float *x, long xs, const double *p, long m, long n, double *sums, long ss) {
  PICK(ck_axpy_rows, x, xs, p, m, n, sums, ss);
}
void ck_square_rows(const float *x, long xs, long m, long n, double *squares) {
  PICK(ck_square_rows, x, xs, m, n, squares);
}
void ck_gram_rows(const float *x, long xs, long rows, long m, long n, double *sums, long ss) {
  PICK(ck_gram_rows, x, xs, rows, m, n, sums, ss);
}
void ck_sweep_rows(const float *x, long xs, long rows, long m, long n, const double *a, long as, const double *norm,
                   int fixed, float *slow, long bs, double *weight, double *squares, double *numerator, long ns) {
  PICK(ck_sweep_rows, x, xs, rows, m, n, a, as, norm, fixed, slow, bs, weight, squares, numerator, ns);
}
void ck_bucket_rows(const float *x, long xs, long rows, long n, double *squares, long k, double *const *sums,
                    const long *ss, long *cursors) {
  PICK(ck_bucket_rows, x, xs, rows, n, squares, k, sums, ss, cursors);
}
long ck_first_nonfinite(const float *values, long count) { return PICK_VALUE(ck_first_nonfinite, values, count); }
