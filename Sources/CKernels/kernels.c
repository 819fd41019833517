#include "ckernels.h"

// Each kernel's body is written once (an always-inline function) and compiled twice: as the
// target's baseline, and, on x86-64, for AVX2 with FMA. The public function picks one per call
// from a flag set once.

#define INLINE static inline __attribute__((always_inline))
typedef float lanes8 __attribute__((ext_vector_type(8)));
typedef double lanes8d __attribute__((ext_vector_type(8)));

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


// The report's kernels: no contraction of a multiply and an add, and eight fixed lanes per sum
// added in a fixed order at the end, so every build of them (baseline or AVX2) gives the same bits.
INLINE double lanes_total(const double *lane) {
#pragma clang fp contract(off)
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

INLINE void compare_rows(const float *restrict x, long xs, const float *restrict y, long ys, long rows, long n,
                         double *restrict out) {
  #pragma clang fp contract(off)
  for (long i = 0; i < rows; i++) {
    const float *restrict a = x + i * xs;
    const float *restrict b = y + i * ys;
    double e[8] = {0}, p[8] = {0}, q[8] = {0}, d[8] = {0}, m[8] = {0};
    long c = 0;
    for (; c + 8 <= n; c += 8) {
      for (long j = 0; j < 8; j++) {
        double u = a[c + j], v = b[c + j], w = u - v;
        double magnitude = w < 0 ? -w : w;
        e[j] += w * w;
        p[j] += u * u;
        q[j] += v * v;
        d[j] += u * v;
        m[j] = magnitude > m[j] ? magnitude : m[j];
      }
    }
    for (; c < n; c++) {
      long j = c & 7;
      double u = a[c], v = b[c], w = u - v;
      double magnitude = w < 0 ? -w : w;
      e[j] += w * w;
      p[j] += u * u;
      q[j] += v * v;
      d[j] += u * v;
      m[j] = magnitude > m[j] ? magnitude : m[j];
    }
    double largest = m[0];
    for (long j = 1; j < 8; j++) largest = m[j] > largest ? m[j] : largest;
    double *restrict o = out + 5 * i;
    o[0] = lanes_total(e);
    o[1] = lanes_total(p);
    o[2] = lanes_total(q);
    o[3] = lanes_total(d);
    o[4] = largest;
  }
}

INLINE void int8_error_rows(const float *restrict x, long xs, long rows, long n, double *restrict out) {
#pragma clang fp contract(off)
  for (long i = 0; i < rows; i++) {
    const float *restrict a = x + i * xs;
    // Eight lanes: one running min and max would be a chain of dependent instructions, most of
    // the row's time. The extremes do not depend on the order they are taken in (the rows are
    // finite; a −0 for a +0 changes no error).
    float low = a[0], high = a[0];
    long first = 1;
    if (n >= 16) {
      lanes8 lows, highs, v;
      __builtin_memcpy(&lows, a, sizeof lows);
      highs = lows;
      for (first = 8; first + 8 <= n; first += 8) {
        __builtin_memcpy(&v, a + first, sizeof v);
        lows = __builtin_elementwise_min(lows, v);
        highs = __builtin_elementwise_max(highs, v);
      }
      for (long j = 0; j < 8; j++) {
        low = lows[j] < low ? lows[j] : low;
        high = highs[j] > high ? highs[j] : high;
      }
    }
    for (long c = first; c < n; c++) {
      low = a[c] < low ? a[c] : low;
      high = a[c] > high ? a[c] : high;
    }
    float scale = (high - low) / 255.0f, bias = low;
    double e[8] = {0};
    if (scale > 0 && scale - scale == 0) {
      long c = 0;
      // Eight floats a step in one vector each (per lane the same operations as the tail's),
      // which the compiler would otherwise split in halves to match the Double lanes.
      lanes8d sums = 0;
      for (; c + 8 <= n; c += 8) {
        lanes8 v, q;
        __builtin_memcpy(&v, a + c, sizeof v);
        q = __builtin_elementwise_roundeven((v - bias) / scale);
        q = __builtin_elementwise_min(__builtin_elementwise_max(q, (lanes8)0.0f), (lanes8)255.0f);
        lanes8d w = __builtin_convertvector(v, lanes8d) - __builtin_convertvector(q * scale + bias, lanes8d);
        sums += w * w;
      }
      for (long j = 0; j < 8; j++) e[j] = sums[j];
      for (; c < n; c++) {
        float q = __builtin_rintf((a[c] - bias) / scale);
        q = q < 0.0f ? 0.0f : (q > 255.0f ? 255.0f : q);
        float back = q * scale + bias;
        double w = (double)a[c] - (double)back;
        e[c & 7] += w * w;
      }
    } else {
      // A constant row reads back as its bias; so does one whose range overflows float32.
      for (long c = 0; c < n; c++) {
        double w = (double)a[c] - (double)bias;
        e[c & 7] += w * w;
      }
    }
    out[i] = lanes_total(e);
  }
}

INLINE void add_rows(const float *restrict x, long xs, const double *restrict w, long rows, long n,
                     double *restrict sums, long ss) {
#pragma clang fp contract(off)
  for (long i = 0; i < rows; i++) {
    const float *restrict a = x + i * xs;
    double *restrict target = sums + i * ss;
    if (w) {
      double scale = w[i];
      for (long c = 0; c < n; c++) target[c] += scale * (double)a[c];
    } else {
      for (long c = 0; c < n; c++) target[c] += (double)a[c];
    }
  }
}

INLINE void top_k_insert(float value, long position, long k, long *filled, float *restrict best, int *restrict found) {
  long slot = *filled < k ? *filled : k - 1;
  // After every kept value at least as large, so ties keep the smaller position.
  while (slot > 0 && best[slot - 1] < value) {
    best[slot] = best[slot - 1];
    found[slot] = found[slot - 1];
    slot--;
  }
  best[slot] = value;
  found[slot] = (int)position;
  if (*filled < k) (*filled)++;
}

// The k largest cosines of a query, by descending value, ties to the smaller position, over one
// tile of its cosines (positions first … first + n − 1), resumed from the `filled` best kept so
// far: tile after tile in position order keeps what one pass over the whole row would. Most
// values lose to the k-th kept one: eight are tested at a time, a closer look only when one wins.
INLINE void top_k_tile(const float *restrict cosines, long n, long first, long skip, long k, long *filled,
                       float *restrict best, int *restrict found) {
  long p = 0;
  for (; p < n && *filled < k; p++) {
    if (first + p != skip) top_k_insert(cosines[p], first + p, k, filled, best, found);
  }
  for (; p < n && ((first + p) & 7); p++) {
    if (first + p != skip && cosines[p] > best[k - 1]) top_k_insert(cosines[p], first + p, k, filled, best, found);
  }
  for (; p + 8 <= n; p += 8) {
    float threshold = best[k - 1];
    int any = 0;
    for (long j = 0; j < 8; j++) any |= cosines[p + j] > threshold;
    if (!any) continue;
    for (long j = 0; j < 8; j++) {
      long position = first + p + j;
      if (position != skip && cosines[p + j] > best[k - 1]) top_k_insert(cosines[p + j], position, k, filled, best, found);
    }
  }
  for (; p < n; p++) {
    if (first + p != skip && cosines[p] > best[k - 1]) top_k_insert(cosines[p], first + p, k, filled, best, found);
  }
}

INLINE float clamp_f16(float v) { return v > 65504.0f ? 65504.0f : (v < -65504.0f ? -65504.0f : v); }

INLINE void f16_error_rows_soft(const float *restrict x, long xs, long rows, long n, double *restrict out) {
#pragma clang fp contract(off)
  for (long i = 0; i < rows; i++) {
    const float *restrict a = x + i * xs;
    double e[8] = {0};
    for (long c = 0; c < n; c++) {
      float back = (float)(_Float16)clamp_f16(a[c]);
      double w = (double)a[c] - (double)back;
      e[c & 7] += w * w;
    }
    out[i] = lanes_total(e);
  }
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
  }                                                                                                          \
  ATTR static void ck_compare_rows_##SUFFIX(const float *x, long xs, const float *y, long ys, long rows, long n, \
                                            double *out) {                                                   \
    compare_rows(x, xs, y, ys, rows, n, out);                                                                \
  }                                                                                                          \
  ATTR static void ck_int8_error_rows_##SUFFIX(const float *x, long xs, long rows, long n, double *out) {       \
    int8_error_rows(x, xs, rows, n, out);                                                                    \
  }                                                                                                          \
  ATTR static void ck_add_rows_##SUFFIX(const float *x, long xs, const double *w, long rows, long n,           \
                                        double *sums, long ss) {                                             \
    add_rows(x, xs, w, rows, n, sums, ss);                                                                   \
  }                                                                                                          \
  ATTR static void ck_top_k_tile_##SUFFIX(const float *cosines, long n, long first, long skip, long k,        \
                                          long *filled, float *best, int *found) {                           \
    top_k_tile(cosines, n, first, skip, k, filled, best, found);                                             \
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
#include <immintrin.h>

static int use_f16c(void) {
  static volatile int known = -1;
  int value = known;
  if (value < 0) {
    __builtin_cpu_init();
    value = use_avx2() && __builtin_cpu_supports("f16c");
    known = value;
  }
  return value;
}

// Eight values at a time through the F16C conversions, the differences widened to Double in two
// halves of four lanes: lanes 0–3 and 4–7 of the portable loop, the same bits.
__attribute__((target("avx2,fma,f16c"))) static void ck_f16_error_rows_f16c(const float *x, long xs, long rows, long n,
                                                                            double *out) {
#pragma clang fp contract(off)
  const __m256 top = _mm256_set1_ps(65504.0f), bottom = _mm256_set1_ps(-65504.0f);
  for (long i = 0; i < rows; i++) {
    const float *a = x + i * xs;
    __m256d low = _mm256_setzero_pd(), high = _mm256_setzero_pd();
    long c = 0;
    for (; c + 8 <= n; c += 8) {
      __m256 v = _mm256_loadu_ps(a + c);
      __m256 clamped = _mm256_max_ps(_mm256_min_ps(v, top), bottom);
      __m256 back = _mm256_cvtph_ps(_mm256_cvtps_ph(clamped, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
      __m256d dl = _mm256_sub_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(v)), _mm256_cvtps_pd(_mm256_castps256_ps128(back)));
      __m256d dh = _mm256_sub_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)), _mm256_cvtps_pd(_mm256_extractf128_ps(back, 1)));
      low = _mm256_add_pd(low, _mm256_mul_pd(dl, dl));
      high = _mm256_add_pd(high, _mm256_mul_pd(dh, dh));
    }
    double e[8];
    _mm256_storeu_pd(e, low);
    _mm256_storeu_pd(e + 4, high);
    for (; c < n; c++) {
      float v = a[c] > 65504.0f ? 65504.0f : (a[c] < -65504.0f ? -65504.0f : a[c]);
      float back = _cvtsh_ss(_cvtss_sh(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
      double w = (double)a[c] - (double)back;
      e[c & 7] += w * w;
    }
    out[i] = ((e[0] + e[1]) + (e[2] + e[3])) + ((e[4] + e[5]) + (e[6] + e[7]));
  }
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

void ck_compare_rows(const float *x, long xs, const float *y, long ys, long rows, long n, double *out) {
  PICK(ck_compare_rows, x, xs, y, ys, rows, n, out);
}
void ck_int8_error_rows(const float *x, long xs, long rows, long n, double *out) {
  PICK(ck_int8_error_rows, x, xs, rows, n, out);
}
void ck_add_rows(const float *x, long xs, const double *w, long rows, long n, double *sums, long ss) {
  PICK(ck_add_rows, x, xs, w, rows, n, sums, ss);
}
void ck_top_k_tile(const float *cosines, long n, long first, long skip, long k, long *filled, float *best,
                   int *found) {
  PICK(ck_top_k_tile, cosines, n, first, skip, k, filled, best, found);
}

static void f16_round_soft(const float *restrict x, long n, float *restrict out) {
  for (long c = 0; c < n; c++) out[c] = (float)(_Float16)clamp_f16(x[c]);
}

#if defined(__x86_64__) && defined(__clang__)
void ck_f16_error_rows(const float *x, long xs, long rows, long n, double *out) {
  if (use_f16c()) ck_f16_error_rows_f16c(x, xs, rows, n, out);
  else f16_error_rows_soft(x, xs, rows, n, out);
}
__attribute__((target("avx2,fma,f16c"))) static void f16_round_f16c(const float *x, long n, float *out) {
  const __m256 top = _mm256_set1_ps(65504.0f), bottom = _mm256_set1_ps(-65504.0f);
  long c = 0;
  for (; c + 8 <= n; c += 8) {
    __m256 clamped = _mm256_max_ps(_mm256_min_ps(_mm256_loadu_ps(x + c), top), bottom);
    _mm256_storeu_ps(out + c, _mm256_cvtph_ps(_mm256_cvtps_ph(clamped, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)));
  }
  for (; c < n; c++) out[c] = _cvtsh_ss(_cvtss_sh(clamp_f16(x[c]), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}
void ck_f16_round(const float *x, long n, float *out) {
  if (use_f16c()) f16_round_f16c(x, n, out);
  else f16_round_soft(x, n, out);
}
int ck_has_f16c(void) { return use_f16c(); }
#else
void ck_f16_error_rows(const float *x, long xs, long rows, long n, double *out) { f16_error_rows_soft(x, xs, rows, n, out); }
void ck_f16_round(const float *x, long n, float *out) { f16_round_soft(x, n, out); }
int ck_has_f16c(void) { return 0; }
#endif

void ck_rebuild_rows(long first, long rows, long n, long k, const long *divisors, const long *moduli,
                     const float *const *tables, int additive, float *out, long os) {
#pragma clang fp contract(off)
  for (long i = 0; i < rows; i++) {
    long id = first + i;
    float *restrict target = out + i * os;
    const float *restrict row = tables[0] + ((id / divisors[0]) % moduli[0]) * n;
    for (long c = 0; c < n; c++) target[c] = row[c];
    for (long j = 1; j < k; j++) {
      row = tables[j] + ((id / divisors[j]) % moduli[j]) * n;
      if (additive) {
        for (long c = 0; c < n; c++) target[c] += row[c];
      } else {
        for (long c = 0; c < n; c++) target[c] *= row[c];
      }
    }
  }
}
